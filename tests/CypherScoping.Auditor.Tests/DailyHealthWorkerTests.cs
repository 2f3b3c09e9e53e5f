using CypherScoping.Auditor.Data;
using CypherScoping.Auditor.Workers;
using CypherScoping.Contracts.Operations;
using CypherScoping.TestKit;
using MassTransit.Testing;
using Microsoft.Extensions.Time.Testing;

namespace CypherScoping.Auditor.Tests;

public sealed class DailyHealthWorkerTests
{
    [Theory]
    [InlineData("2026-03-01T10:00:00Z", "2026-03-01T23:30:00Z")]
    [InlineData("2026-03-01T23:30:00Z", "2026-03-02T23:30:00Z")]
    [InlineData("2026-03-01T23:45:00Z", "2026-03-02T23:30:00Z")]
    public void Next_run_is_the_next_occurrence_of_the_configured_time(string now, string expected) =>
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture),
            DailyHealthWorker.NextRun(DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture), new TimeOnly(23, 30)));

    [Fact]
    public async Task Publishes_the_health_report_at_the_configured_time_and_audits_it()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 23, 0, 0, TimeSpan.Zero));
        var settings = TestHosts.SqliteSettings();
        settings["Audit:HealthReportTimeUtc"] = "23:30";
        await using var auditor = await AuditorHost.StartAsync(settings, time);
        var pnls = new[] { 10m, -5m, 10m, 10m, -5m, 10m, 10m, -5m, 10m, 10m, 10m, 10m };
        for (var i = 0; i < pnls.Length; i++)
        {
            await auditor.PublishAsync(MessageFactory.Trade("ETHUSDTM", pnls[i], MessageFactory.T0.AddHours(i)));
        }

        await auditor.WaitForRowsAsync(pnls.Length);
        time.Advance(TimeSpan.FromMinutes(29));
        await Task.Delay(200);
        Assert.False(auditor.Harness.Published.Select<StrategyHealthReported>().Any(), "published before its time");

        time.Advance(TimeSpan.FromMinutes(1));
        Assert.True(await auditor.Harness.Published.Any<StrategyHealthReported>());
        var report = auditor.Harness.Published.Select<StrategyHealthReported>().Single().Context.Message;
        Assert.Equal(12, report.TradeCount);
        Assert.Equal(0.75m, report.RecentWinRate);
        Assert.Equal("continue", report.Action);
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 23, 30, 0, TimeSpan.Zero), report.OccurredAt);

        await auditor.WaitForRowsAsync(pnls.Length + 1);
        Assert.Equal(1, await AuditQueries.CountAsync(auditor.Database, "event_type", "health_report"));
    }
}

public sealed class AuditOptionsTests
{
    [Fact]
    public async Task Bad_audit_settings_stop_the_service_at_start_listing_every_problem()
    {
        var settings = TestHosts.SqliteSettings();
        settings["Audit:Gate:MinWinRate"] = "55";
        settings["Audit:HealthReportTimeUtc"] = "25:99";
        settings["Audit:BatchSize"] = "0";
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => AuditorHost.StartAsync(settings));
        Assert.Contains("MinWinRate", ex.Message, StringComparison.Ordinal);
        Assert.Contains("HealthReportTimeUtc", ex.Message, StringComparison.Ordinal);
        Assert.Contains("BatchSize", ex.Message, StringComparison.Ordinal);
    }
}
