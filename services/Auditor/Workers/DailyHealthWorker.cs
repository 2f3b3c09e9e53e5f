using CypherScoping.Auditor.Data;
using CypherScoping.Persistence;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CypherScoping.Auditor.Workers;

/// <summary>Publishes the strategy health report (StrategyHealthReported) once a day at Audit:HealthReportTimeUtc.</summary>
public sealed partial class DailyHealthWorker(
    [FromKeyedServices(AuditorRegistration.ServiceName)] ServiceDatabase database,
    AuditOptions options,
    TimeProvider time,
    IBus bus,
    ILogger<DailyHealthWorker> logger) : BackgroundService
{
    public static DateTimeOffset NextRun(DateTimeOffset now, TimeOnly at)
    {
        var today = new DateTimeOffset(DateOnly.FromDateTime(now.UtcDateTime).ToDateTime(at), TimeSpan.Zero);
        return today > now ? today : today.AddDays(1);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.HealthReportEnabled)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            var next = NextRun(now, options.HealthReportTime);
            try
            {
                await Task.Delay(next - now, time, stoppingToken);
                await PublishAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is System.Data.Common.DbException or TimeoutException or InvalidOperationException)
            {
                LogFailed(logger, ex.GetType().Name, ex.Message);
            }
        }
    }

    public async Task PublishAsync(CancellationToken cancellationToken)
    {
        var report = await AuditQueries.HealthAsync(database, options.Health, cancellationToken);
        var message = report.ToMessage(NewId.NextGuid(), NewId.NextGuid(), time.GetUtcNow());
        await bus.Publish(message, cancellationToken);
        LogPublished(logger, report.Action, report.TradeCount, report.RecentWinRate);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Strategy health report published: {Action} over {Trades} trades, win rate {WinRate}")]
    private static partial void LogPublished(ILogger logger, string action, int trades, decimal winRate);

    [LoggerMessage(Level = LogLevel.Error, Message = "Strategy health report failed ({ErrorType}: {Error}); next attempt at the next scheduled time")]
    private static partial void LogFailed(ILogger logger, string errorType, string error);
}
