using CypherScoping.Auditor;
using CypherScoping.Auditor.Data;
using CypherScoping.Auditor.Domain;
using CypherScoping.Cli.Commands;
using CypherScoping.Contracts;
using CypherScoping.Contracts.Orders;
using CypherScoping.Contracts.Risk;
using CypherScoping.Domain;
using CypherScoping.Hosting;
using CypherScoping.Messaging;
using CypherScoping.Persistence;
using CypherScoping.Scanner;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CypherScoping.Cli;

public sealed record PaperRunOptions
{
    public int Trades { get; init; } = 100;
    /// <summary>sim | replay:SYMBOL=FILE,… | kucoin</summary>
    public string Market { get; init; } = "sim";
    /// <summary>max, or a real-time multiplier (60 = one minute of market time per second).</summary>
    public string Speed { get; init; } = "max";
    public long Seed { get; init; } = 1;
    public string? EnvFile { get; init; }
    public string? RunDirectory { get; init; }
    public int MaxCycles { get; init; } = 20_000;
    public bool ShowProgress { get; init; } = true;
    public IDictionary<string, string?> Overrides { get; init; } = new Dictionary<string, string?>();
}

public sealed record PaperRunResult(string RunDirectory, string AuditLogPath, int Cycles, PaperProgress Progress, bool DataEnded);

/// <summary>Counts what the run publishes, for the progress line and the summary.</summary>
public sealed class PaperProgress : IPublishObserver
{
    private readonly object _lock = new();
    private readonly SymbolPolicy _policy;

    public PaperProgress(SymbolPolicy policy) => _policy = policy;

    public int OrdersPlaced { get; private set; }
    public int OrdersRejected { get; private set; }
    public int Denials { get; private set; }
    public int ExchangeErrors { get; private set; }
    public int DuplicatesBlocked { get; private set; }
    public int DeniedAssetOrders { get; private set; }
    public int Wins { get; private set; }
    public int Losses { get; private set; }
    public decimal RealizedPnl { get; private set; }
    public decimal? Equity { get; private set; }
    public int Signals { get; private set; }
    public string? HaltReason { get; private set; }

    public Task PrePublish<T>(PublishContext<T> context)
        where T : class
    {
        lock (_lock)
        {
            switch (context.Message)
            {
                case OrderPlaced placed:
                    OrdersPlaced++;
                    if (_policy.IsAssetDenied(placed.BaseAsset) || SymbolCanonicalizer.BaseAssetOf(placed.Symbol) is { } a && _policy.IsAssetDenied(a))
                    {
                        DeniedAssetOrders++;
                    }

                    break;
                case OrderRejected rejected when !rejected.RefusedBeforeExchange:
                    OrdersRejected++;
                    break;
                case OrderDenied:
                    Denials++;
                    break;
                case ExchangeErrorOccurred:
                    ExchangeErrors++;
                    break;
                case DuplicateOrderBlocked:
                    DuplicatesBlocked++;
                    break;
                case PositionClosed closed:
                    if (closed.Outcome == TradeOutcome.Win)
                    {
                        Wins++;
                    }
                    else
                    {
                        Losses++;
                    }

                    RealizedPnl += closed.RealizedPnl;
                    break;
                case AccountSnapshot snapshot:
                    Equity = snapshot.Equity;
                    break;
                case Contracts.Signals.SignalGenerated:
                    Signals++;
                    break;
                case TradingStateChanged changed:
                    HaltReason = changed.State == TradingState.Halted ? changed.Reason : null;
                    break;
            }
        }

        return Task.CompletedTask;
    }

    public Task PostPublish<T>(PublishContext<T> context)
        where T : class => Task.CompletedTask;

    public Task PublishFault<T>(PublishContext<T> context, Exception exception)
        where T : class => Task.CompletedTask;

    public string Line(int target) =>
        $"orders {OrdersPlaced}/{target} | signals {Signals} | denials {Denials} | errors {ExchangeErrors + OrdersRejected} | dup blocked {DuplicatesBlocked} | trades {Wins + Losses} (W{Wins}/L{Losses}) | equity {Equity:0.00}";
}

/// <summary>
/// `cypher paper`: Scanner, Risk, Executor (paper exchange), Auditor and Alerts in one process on the in-memory
/// bus and embedded SQLite, stepped on a virtual clock: one candle for every symbol, wait until every consumer
/// is done, repeat — until N orders or the end of the data. Same seed, same result.
/// </summary>
public static class PaperRun
{
    /// <summary>Simulated markets start here (virtual time), so audit timestamps read like real dates.</summary>
    public static readonly DateTimeOffset SimulatedStart = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// What a stepped run needs to be deterministic: the driver steps the scanner, each service handles one message at
    /// a time, and nothing runs on a wall-clock timer.
    /// </summary>
    public static IReadOnlyDictionary<string, string?> SteppedSettings { get; } = new Dictionary<string, string?>
    {
        ["Scanner:AutoRun"] = "false",
        ["Scanner:SimStart"] = SimulatedStart.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        ["Executor:Concurrency"] = "1",
        ["Risk:ClockTickSeconds"] = "0",
        ["Audit:HealthReportEnabled"] = "false",
    };

    public sealed record Outcome(PaperRunResult Result, GateReport Gate, string Summary, int ExitCode);

    /// <summary>Run, stop the host, compute the paper gate from the audit trail.</summary>
    public static async Task<Outcome> ExecuteAsync(PaperRunOptions options, TextWriter progressOut, CancellationToken cancellationToken)
    {
        var (result, host) = await StartAndRunAsync(options, progressOut, cancellationToken);
        try
        {
            var gate = await GateAsync(host, CancellationToken.None);
            var p = result.Progress;
            var summary =
                $"Paper run finished after {result.Cycles} scan steps{(result.DataEnded ? " (end of data)" : string.Empty)}: " +
                $"{p.OrdersPlaced} orders, {p.Wins + p.Losses} closed trades, net PnL {p.RealizedPnl:0.00} USDT, equity {p.Equity:0.00} USDT.{Environment.NewLine}" +
                (p.HaltReason is null ? string.Empty : $"Stopped early: trading was HALTED ({p.HaltReason}).{Environment.NewLine}") +
                $"Run directory: {result.RunDirectory}{Environment.NewLine}Audit log:     {result.AuditLogPath}{Environment.NewLine}{Environment.NewLine}" +
                gate.ToText();
            var clean = p.ExchangeErrors == 0 && p.OrdersRejected == 0 && p.DeniedAssetOrders == 0;
            return new Outcome(result, gate, summary, clean ? ExitCodes.Ok : ExitCodes.Failed);
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
            host.Dispose();
        }
    }

    /// <summary>The paper gate, computed by the Auditor's own code from this run's trail.</summary>
    public static Task<GateReport> GateAsync(IHost host, CancellationToken cancellationToken)
    {
        var database = host.Services.GetRequiredKeyedService<ServiceDatabase>(AuditorRegistration.ServiceName);
        var gateOptions = host.Services.GetRequiredService<AuditOptions>().Gate;
        return AuditQueries.GatePaperAsync(database, gateOptions, host.Services.GetRequiredService<SymbolPolicy>(), cancellationToken);
    }

    public static async Task<(PaperRunResult Result, IHost Host)> StartAndRunAsync(PaperRunOptions options, TextWriter progressOut, CancellationToken cancellationToken)
    {
        var live = options.Market.Equals("kucoin", StringComparison.OrdinalIgnoreCase);
        var replay = options.Market.StartsWith("replay:", StringComparison.OrdinalIgnoreCase);
        if (!live && !replay && !options.Market.Equals("sim", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidConfigurationException([$"--market {options.Market}: expected sim, replay:SYMBOL=FILE[,…] or kucoin"]);
        }

        var baseConfig = CypherConfiguration.Build(options.EnvFile);
        var runDir = Path.GetFullPath(options.RunDirectory ?? Path.Combine("runtime", "paper", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss-fff", System.Globalization.CultureInfo.InvariantCulture)));
        Directory.CreateDirectory(runDir);
        var auditLog = baseConfig["Audit:LogPath"] is { Length: > 0 } configured && options.RunDirectory is null ? Path.GetFullPath(configured) : Path.Combine(runDir, "audit.log");

        var settings = new Dictionary<string, string?>
        {
            ["Trading:Mode"] = "paper",
            ["Trading:Simulation"] = (!live && !replay).ToString(),
            ["Messaging:Transport"] = "InMemory",
            ["ConnectionStrings:Postgres"] = string.Empty,
            ["Database:SqliteDirectory"] = runDir,
            ["Database:SqlitePaths:executor"] = Path.Combine(runDir, "executor.db"),
            ["Audit:LogPath"] = auditLog,
            ["Scanner:Market"] = live ? "kucoin" : replay ? "replay" : "sim",
            ["Scanner:Replay"] = replay ? options.Market["replay:".Length..] : null,
            ["Scanner:Seed"] = options.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Scanner:AutoRun"] = "false", // the run steps the scanner itself, after the services are up (live data too)
            ["Logging:Level"] = baseConfig["Logging:Level"] is { Length: > 0 } level ? level : "error",
        };
        foreach (var (key, value) in SteppedSettings)
        {
            settings[key] = value;
        }

        foreach (var (key, value) in options.Overrides)
        {
            settings[key] = value;
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, Args = [] });
        if (options.EnvFile is not null)
        {
            builder.Configuration[CypherConfiguration.EnvFileKey] = options.EnvFile;
        }

        builder.Configuration.AddInMemoryCollection(settings);
        var clock = live ? null : new VirtualClock(replay ? DateTimeOffset.UnixEpoch : SimulatedStart);
        if (clock is not null)
        {
            builder.Services.AddSingleton<TimeProvider>(clock);
        }

        builder.AddServiceDefaults("paper");
        Composition.AddServices(builder, Composition.ServiceNames);
        builder.AddCypherMessaging();
        builder.Services.AddSingleton<BusQuiescence>();
        builder.Services.AddSingleton<PaperProgress>();
        var host = builder.Build();

        var bus = host.Services.GetRequiredService<IBus>();
        var quiescence = host.Services.GetRequiredService<BusQuiescence>();
        var progress = host.Services.GetRequiredService<PaperProgress>();
        quiescence.Attach(bus);
        quiescence.Track(host.Services.GetServices<IBackgroundWork>());
        bus.ConnectPublishObserver(progress);
        await host.StartAsync(cancellationToken);
        await quiescence.WaitForIdleAsync(TimeSpan.FromMinutes(2), cancellationToken);

        // Live KuCoin data is polled every SCAN_INTERVAL in real time, and only once every service is up: a scan at
        // start-up would reach Risk before the Executor's first account snapshot and be refused (fail closed).
        var scanner = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ScannerOptions>>().Value;
        var delay = live ? TimeSpan.FromSeconds(scanner.ScanIntervalSeconds) : ParseSpeed(options.Speed, scanner.IntervalMinutes);
        var (cycles, dataEnded) = await StepAsync(host.Services.GetRequiredService<IScanCycle>(), quiescence, progress, options, delay, progressOut, cancellationToken);
        return (new PaperRunResult(runDir, auditLog, cycles, progress, dataEnded), host);
    }

    /// <summary>
    /// Step the scanner one candle at a time and wait until every consumer is done before the next step, until
    /// the order target, the end of the data or the cycle limit. Also used by tests that host the services apart.
    /// </summary>
    public static async Task<(int Cycles, bool DataEnded)> StepAsync(
        IScanCycle cycle, BusQuiescence quiescence, PaperProgress progress, PaperRunOptions options, TimeSpan delay, TextWriter progressOut, CancellationToken cancellationToken)
    {
        var cycles = 0;
        var dataEnded = false;
        cycle.Settle = ct => quiescence.WaitForIdleAsync(TimeSpan.FromMinutes(2), ct);
        while (!cancellationToken.IsCancellationRequested && progress.OrdersPlaced < options.Trades && cycles < options.MaxCycles)
        {
            ScanCycleResult result;
            try
            {
                result = await cycle.RunOnceAsync(cancellationToken);
                cycles++;
                await quiescence.WaitForIdleAsync(TimeSpan.FromMinutes(2), cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break; // Ctrl-C ends the run (a live-data run usually ends so); the trail and the gate still count
            }

            if (options.ShowProgress && (cycles % 10 == 0 || delay >= TimeSpan.FromSeconds(1)))
            {
                await progressOut.WriteAsync(ProgressLine(progress, options.Trades));
            }

            if (!result.MoreData)
            {
                dataEnded = true;
                break;
            }

            if (progress.HaltReason is not null)
            {
                break; // Halted needs an operator's `cypher resume`: no further order can come from this run
            }

            if (delay > TimeSpan.Zero && progress.OrdersPlaced < options.Trades)
            {
                await Task.Delay(delay, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }

        await quiescence.WaitForIdleAsync(TimeSpan.FromMinutes(2), CancellationToken.None); // let what is in flight land
        if (options.ShowProgress)
        {
            await progressOut.WriteLineAsync(ProgressLine(progress, options.Trades));
        }

        return (cycles, dataEnded);
    }

    /// <summary>Live market data: the scanner worker runs in real time; wait for the order target (or Ctrl-C).</summary>
    private static TimeSpan ParseSpeed(string speed, int intervalMinutes)
    {
        if (speed.Equals("max", StringComparison.OrdinalIgnoreCase))
        {
            return TimeSpan.Zero;
        }

        if (!double.TryParse(speed, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var factor) || factor <= 0)
        {
            throw new InvalidConfigurationException([$"--speed {speed}: expected max or a positive number (a multiple of real time)"]);
        }

        return TimeSpan.FromMinutes(intervalMinutes) / factor;
    }

    private static string ProgressLine(PaperProgress progress, int target) => $"\r{Bar(progress.OrdersPlaced, target)} {progress.Line(target)}   ";

    private static string Bar(int value, int target)
    {
        const int width = 24;
        var filled = target <= 0 ? width : Math.Min(width, value * width / target);
        return "[" + new string('#', filled) + new string('.', width - filled) + "]";
    }
}
