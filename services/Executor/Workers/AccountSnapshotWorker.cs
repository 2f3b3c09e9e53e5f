using CypherScoping.Contracts;
using CypherScoping.Domain;
using CypherScoping.Exchange;
using CypherScoping.Executor.Execution;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CypherScoping.Executor.Workers;

/// <summary>Live mode only: every Executor:SnapshotIntervalSeconds, book exits the exchange made and publish an AccountSnapshot (paper does both after every change).</summary>
public sealed partial class AccountSnapshotWorker(
    PositionTracker positions,
    LivePositionSync sync,
    ExecutorReadiness readiness,
    IBus bus,
    IOptions<TradingOptions> trading,
    IOptions<ExecutorOptions> options,
    TimeProvider time,
    ILogger<AccountSnapshotWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (trading.Value.Mode != TradingMode.Live || options.Value.SnapshotIntervalSeconds <= 0)
        {
            return;
        }

        await readiness.WaitAsync(stoppingToken);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.SnapshotIntervalSeconds), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await sync.SyncAsync(new BusSink(bus), stoppingToken); // exits the exchange made (stop-loss / take-profit)
                await bus.Publish(await positions.SnapshotAsync(Guid.NewGuid(), time.GetUtcNow(), stoppingToken), stoppingToken);
            }
            catch (Exception ex) when (ex is ExchangeException or HttpRequestException or TimeoutException)
            {
                LogFailed(logger, ex.GetType().Name);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Account snapshot failed ({Exception}); retrying on the next tick")]
    private static partial void LogFailed(ILogger logger, string exception);
}
