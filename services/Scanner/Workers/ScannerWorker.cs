using CypherScoping.Domain;
using CypherScoping.Scanner.Market;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CypherScoping.Scanner.Workers;

/// <summary>
/// Runs scan cycles in the background when Scanner:AutoRun is true (default: true unless the clock is a VirtualClock): every SCAN_INTERVAL for KuCoin; for sim/replay
/// as fast as possible under a VirtualClock, else paced by Scanner:PaceMilliseconds. Resolves the scanner at start so
/// refused symbols are reported then. A failing cycle is logged and retried after the interval (no crash loop).
/// </summary>
public sealed partial class ScannerWorker(IScanCycle cycle, IOptions<ScannerOptions> options, TimeProvider time, ILogger<ScannerWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var settings = options.Value;
        var kind = cycle is ScanCycle real ? real.Engine.Source.Kind : MarketKind.Simulated;
        if (cycle.Symbols.Count == 0)
        {
            LogNothingToScan(logger);
            return;
        }

        if (!(settings.AutoRun ?? time is not VirtualClock))
        {
            return;
        }

        var pause = kind == MarketKind.KuCoin
            ? TimeSpan.FromSeconds(settings.ScanIntervalSeconds)
            : time is VirtualClock ? TimeSpan.Zero : TimeSpan.FromMilliseconds(settings.PaceMilliseconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var result = await cycle.RunOnceAsync(stoppingToken);
                if (!result.MoreData)
                {
                    LogDataEnded(logger, result.DataTime);
                    return;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogCycleFailed(logger, ex);
                pause = pause < TimeSpan.FromSeconds(5) ? TimeSpan.FromSeconds(5) : pause;
            }

            if (pause > TimeSpan.Zero)
            {
                await Task.Delay(pause, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
            else
            {
                await Task.Yield();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Scanner has no symbol to scan (all refused or none configured)")]
    private static partial void LogNothingToScan(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Market data ended at {DataTime}; scanner idle")]
    private static partial void LogDataEnded(ILogger logger, DateTimeOffset? dataTime);

    [LoggerMessage(Level = LogLevel.Error, Message = "Scan cycle failed; retrying")]
    private static partial void LogCycleFailed(ILogger logger, Exception ex);
}
