using CypherScoping.Alerts.Channels;
using CypherScoping.Contracts.Operations;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CypherScoping.Alerts.Workers;

/// <summary>
/// Drains the alert queue: woken by each new alert, and every poll interval (so rate-limit summaries and
/// "repeated N×" messages go out when their time comes). Publishes AlertSent / AlertFailed. Never crashes:
/// a failed drain (database down) is logged and retried on the next tick.
/// </summary>
public sealed partial class AlertDeliveryWorker(
    AlertDispatcher dispatcher,
    IServiceProvider services,
    IOptions<AlertsOptions> options,
    TimeProvider time,
    ILogger<AlertDeliveryWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromMilliseconds(options.Value.PollIntervalMilliseconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var seen = dispatcher.PendingWork;
                var reports = await dispatcher.DrainAsync(stoppingToken);
                if (reports.Count > 0)
                {
                    await PublishAsync(reports, stoppingToken);
                }

                dispatcher.Settled(seen);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogDrainFailed(logger, ex.GetType().Name, ex.Message);
            }

            try
            {
                await dispatcher.WaitForWorkAsync(interval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task PublishAsync(IReadOnlyList<DeliveryReport> reports, CancellationToken cancellationToken)
    {
        var bus = services.GetService<IBus>();
        if (bus is null)
        {
            return;
        }

        foreach (var report in reports)
        {
            await bus.Publish(ToEvent(report, time.GetUtcNow()), report.Result.Delivered ? typeof(AlertSent) : typeof(AlertFailed), cancellationToken);
        }
    }

    /// <summary>AlertSent or AlertFailed for one delivery.</summary>
    public static object ToEvent(DeliveryReport report, DateTimeOffset now) => report.Result.Delivered
        ? new AlertSent
        {
            AlertId = report.Alert.AlertId,
            CorrelationId = report.Alert.CorrelationId,
            OccurredAt = now,
            Channel = report.Result.Channel,
            Severity = report.Alert.Severity,
            Title = report.Alert.Title,
            Key = report.Alert.Key,
            Count = report.Alert.Count,
        }
        : new AlertFailed
        {
            AlertId = report.Alert.AlertId,
            CorrelationId = report.Alert.CorrelationId,
            OccurredAt = now,
            Channel = report.Result.Channel,
            Severity = report.Alert.Severity,
            Title = report.Alert.Title,
            Error = report.Result.Error ?? "delivery failed",
        };

    [LoggerMessage(Level = LogLevel.Error, Message = "Alert delivery pass failed ({ErrorType}: {Error}); retrying on the next tick")]
    private static partial void LogDrainFailed(ILogger logger, string errorType, string error);
}
