using CypherScoping.Risk.Domain;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CypherScoping.Risk.Workers;

/// <summary>
/// Housekeeping on a timer: ends pauses, expires approvals and rolls the ramp even when no message arrives.
/// Not needed for correctness (every message does the same first); Risk:ClockTickSeconds = 0 turns it off.
/// </summary>
public sealed partial class RiskClockWorker(IServiceProvider services, RiskEngine engine, IOptions<RiskServiceOptions> options, TimeProvider time, ILogger<RiskClockWorker> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.ClockTickSeconds <= 0)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.ClockTickSeconds), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var events = await engine.TickAsync(stoppingToken);
                if (events.Count > 0)
                {
                    var publisher = services.GetRequiredService<IBus>();
                    foreach (var message in events)
                    {
                        await publisher.Publish(message, message.GetType(), stoppingToken);
                    }
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogTickFailed(logger, ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Risk housekeeping tick failed; the next message or tick will retry")]
    private static partial void LogTickFailed(ILogger logger, Exception exception);
}

/// <summary>Service-level knobs of the Risk host (section "Risk" too).</summary>
public sealed class RiskServiceOptions
{
    /// <summary>Seconds between housekeeping ticks (0 = off).</summary>
    public int ClockTickSeconds { get; set; } = 30;
}

