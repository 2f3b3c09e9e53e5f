using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CypherScoping.Contracts;
using CypherScoping.Contracts.Market;
using CypherScoping.Contracts.Orders;
using CypherScoping.Contracts.Signals;
using CypherScoping.Domain;
using CypherScoping.Exchange;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CypherScoping.Scanner;

/// <summary>What one scan step did. DataTime is the close time of the newest candle scanned.</summary>
public sealed record ScanCycleResult(bool MoreData, DateTimeOffset? DataTime, int SymbolsScanned, int SignalsPublished);

/// <summary>One scan step for every symbol of this scanner; the paper driver and the worker call it.</summary>
public interface IScanCycle
{
    /// <summary>Symbols this scanner scans (after sharding and the symbol policy).</summary>
    IReadOnlyList<string> Symbols { get; }

    /// <summary>
    /// Next candle for every symbol (sim/replay) or the newly closed candles (KuCoin); advances a VirtualClock to the
    /// candle close time; publishes MarketScanned per symbol and SignalGenerated in symbol order.
    /// </summary>
    Task<ScanCycleResult> RunOnceAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Stepped runs (`cypher paper`) set this to "wait until the bus is idle": it is awaited after the market scans of
    /// a step and after each signal, so every decision sees the fills and snapshots before it — a seeded run then
    /// gives the same result on any transport. Null (the default) publishes without waiting.
    /// </summary>
    Func<CancellationToken, Task>? Settle { get; set; }
}

/// <summary>The bus-facing scan step (IScanCycle): engine → clock → publish in a stable order.</summary>
public sealed partial class ScanCycle : IScanCycle, IDisposable
{
    private readonly Lazy<ScanEngine> _engine;
    private readonly TimeProvider _time;
    private readonly IBus _bus;
    private readonly ILogger<ScanCycle> _logger;
    private readonly ScannerOptions _options;
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);
    private string _salt = string.Empty;

    public Func<CancellationToken, Task>? Settle { get; set; }

    public ScanCycle(
        IOptions<ScannerOptions> options,
        IOptions<TradingOptions> trading,
        SymbolPolicy policy,
        TimeProvider time,
        IConfiguration configuration,
        IServiceProvider services,
        IBus bus,
        ILogger<ScanCycle> logger)
    {
        _options = options.Value;
        _time = time;
        _bus = bus;
        _logger = logger;
        _engine = new Lazy<ScanEngine>(() =>
        {
            var maxCalls = configuration.GetValue("KuCoin:MaxConcurrentCalls", 3);
            var engine = ScannerSetup.CreateEngine(
                _options, trading.Value, policy, time, maxCalls, () => services.GetService<Exchange.KuCoin.KuCoinFuturesExchange>() ?? services.GetService<IExchange>(), Environment.GetEnvironmentVariable("HOSTNAME"), out var selection);
            foreach (var warning in selection.Warnings)
            {
                LogSymbolSkipped(_logger, warning);
            }

            var symbolList = string.Join(",", engine.Symbols);
            LogStarted(_logger, engine.Source.Name, selection.Origin, engine.Symbols.Count, symbolList, engine.Parameters.Label, engine.ParameterHash);
            _salt = _options.RunId ?? (engine.Source.Kind == MarketKind.Simulated
                ? string.Create(CultureInfo.InvariantCulture, $"sim:{_options.Seed}:{_options.IntervalMinutes}")
                : engine.Source.Name);
            return engine;
        });
    }

    public IReadOnlyList<string> Symbols => _engine.Value.Symbols;

    public ScanEngine Engine => _engine.Value;

    public async Task<ScanCycleResult> RunOnceAsync(CancellationToken cancellationToken)
    {
        var engine = _engine.Value;
        await _oneAtATime.WaitAsync(cancellationToken);
        try
        {
            var cycle = await engine.StepAsync(cancellationToken);
            var dataTime = cycle.Results.Select(r => r.CloseTime).Where(t => t is not null).Max();
            if (dataTime is { } close && _time is VirtualClock clock)
            {
                clock.AdvanceTo(close);
            }

            var now = _time.GetUtcNow();
            var scanned = 0;
            var signals = 0;
            var pending = new List<(SymbolScanResult Result, string ScanKey)>();
            foreach (var result in cycle.Results)
            {
                await PublishProblemsAsync(engine, result, now, cancellationToken);
                if (result.Candle is not { } candle)
                {
                    continue;
                }

                scanned++;
                var scanKey = $"{_salt}|{result.Symbol}|{candle.OpenTime.UtcTicks}";
                await _bus.Publish(new MarketScanned
                {
                    ScanId = DeterministicId("scan|" + scanKey),
                    CorrelationId = DeterministicId("scan|" + scanKey),
                    OccurredAt = now,
                    Symbol = result.Symbol,
                    BaseAsset = result.BaseAsset,
                    Source = engine.Source.Name,
                    IntervalMinutes = (int)result.Interval.TotalMinutes,
                    CandleOpenTime = candle.OpenTime,
                    Open = candle.Open,
                    High = candle.High,
                    Low = candle.Low,
                    Close = candle.Close,
                    Volume = candle.Volume,
                    LastPrice = candle.Close,
                    CandleCount = (int)Math.Min(int.MaxValue, result.CandleCount),
                    DurationMs = result.DurationMs,
                    Score = result.Evaluation.Ready ? Math.Round((decimal)result.Evaluation.Score, 2) : null,
                }, cancellationToken);
                if (result.Signal is not null && result.Contract is not null)
                {
                    pending.Add((result, scanKey));
                }
            }

            // Market data first (fills, stops, snapshots), then each signal on its own, in symbol order.
            if (Settle is { } settle && pending.Count > 0)
            {
                await settle(cancellationToken);
            }

            foreach (var (result, scanKey) in pending)
            {
                var signal = result.Signal!;
                var signalId = DeterministicId($"signal|{scanKey}|{engine.Parameters.Label}|{engine.ParameterHash}");
                await _bus.Publish(new SignalGenerated
                {
                    SignalId = signalId,
                    CorrelationId = signalId,
                    OccurredAt = now,
                    ExpiresAt = now.AddSeconds(_options.SignalTtlSeconds),
                    Symbol = result.Symbol,
                    BaseAsset = result.BaseAsset,
                    Side = signal.Side,
                    EntryPrice = signal.EntryPrice,
                    StopLoss = signal.StopLoss,
                    TakeProfit = signal.TakeProfit,
                    Score = Math.Round((decimal)signal.Score, 2),
                    StrategyId = engine.Parameters.Label,
                    ParameterHash = engine.ParameterHash,
                    IntervalMinutes = (int)result.Interval.TotalMinutes,
                    Contract = result.Contract!,
                }, cancellationToken);
                signals++;
                LogSignal(_logger, result.Symbol, signal.Side, signal.EntryPrice, signal.StopLoss, signal.TakeProfit, signal.Score);
                if (Settle is { } settleSignal)
                {
                    await settleSignal(cancellationToken);
                }
            }

            return new ScanCycleResult(cycle.MoreData, dataTime, scanned, signals);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    private async Task PublishProblemsAsync(ScanEngine engine, SymbolScanResult result, DateTimeOffset now, CancellationToken cancellationToken)
    {
        foreach (var problem in result.Problems)
        {
            LogBadData(_logger, result.Symbol, problem.Reason);
            await _bus.Publish(new BadMarketDataDetected
            {
                CorrelationId = NewId.NextGuid(),
                OccurredAt = now,
                Symbol = result.Symbol,
                Source = engine.Source.Name,
                ErrorCode = ErrorCodes.BadMarketData,
                Reason = problem.Reason,
                CandleOpenTime = problem.OpenTime,
            }, cancellationToken);
        }

        if (result.Failure is not { } failure)
        {
            return;
        }

        LogFailure(_logger, result.Symbol, failure.ErrorCode, failure.Message);
        if (failure.ErrorCode == ErrorCodes.BadMarketData)
        {
            await _bus.Publish(new BadMarketDataDetected
            {
                CorrelationId = NewId.NextGuid(),
                OccurredAt = now,
                Symbol = result.Symbol,
                Source = engine.Source.Name,
                ErrorCode = failure.ErrorCode,
                Reason = failure.Message,
            }, cancellationToken);
        }
        else
        {
            await _bus.Publish(new ExchangeErrorOccurred
            {
                CorrelationId = NewId.NextGuid(),
                OccurredAt = now,
                Operation = failure.Operation,
                Symbol = result.Symbol,
                BaseAsset = result.BaseAsset,
                ErrorCode = failure.ErrorCode,
                ExchangeCode = failure.ExchangeCode,
                HttpStatus = failure.HttpStatus,
                Message = failure.Message,
            }, cancellationToken);
        }
    }

    public void Dispose()
    {
        _oneAtATime.Dispose();
        if (_engine.IsValueCreated)
        {
            _engine.Value.Dispose();
        }
    }

    /// <summary>Name-based id: the same candle, strategy and run always give the same id (a restart cannot double a signal).</summary>
    public static Guid DeterministicId(string name)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(name));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80); // version 8 (custom)
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Scanner symbol refused: {Warning}")]
    private static partial void LogSymbolSkipped(ILogger logger, string warning);

    [LoggerMessage(Level = LogLevel.Information, Message = "Scanner ready: market {Market}, {Origin}, {Count} symbols [{Symbols}], strategy {Strategy} #{Hash}")]
    private static partial void LogStarted(ILogger logger, string market, string origin, int count, string symbols, string strategy, string hash);

    [LoggerMessage(Level = LogLevel.Information, Message = "Signal {Symbol} {Side} entry {Entry} stop {Stop} take-profit {TakeProfit} score {Score:0.0}")]
    private static partial void LogSignal(ILogger logger, string symbol, PositionSide side, decimal entry, decimal stop, decimal takeProfit, double score);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bad market data for {Symbol} skipped: {Reason}")]
    private static partial void LogBadData(ILogger logger, string symbol, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Scanning {Symbol} failed ({ErrorCode}): {Message}; other symbols continue")]
    private static partial void LogFailure(ILogger logger, string symbol, string errorCode, string message);
}
