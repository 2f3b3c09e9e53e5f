using CypherScoping.Contracts;
using CypherScoping.Contracts.Operations;
using CypherScoping.Contracts.Orders;
using CypherScoping.Contracts.Risk;
using CypherScoping.Domain;
using CypherScoping.TestKit;
using CypherScoping.TestKit.Sinks;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CypherScoping.Alerts.Tests;

/// <summary>
/// The Alerts service as Program.cs builds it (AddAlerts + messaging on MassTransit's test harness, SQLite),
/// with the local Slack receiver and every log line captured.
/// </summary>
public sealed class AlertConsumerTests : IAsyncLifetime
{
    private readonly CapturingLoggerProvider _logs = new();
    private SlackWebhookSink _sink = null!;
    private IHost _host = null!;
    private ITestHarness _harness = null!;

    public async Task InitializeAsync()
    {
        _sink = await SlackWebhookSink.StartAsync();
        var settings = AlertRig.FastRetries(TestHosts.SqliteSettings());
        settings["Alerts:SlackWebhook"] = _sink.WebhookUrl;
        settings["Alerts:PollIntervalMilliseconds"] = "100";
        settings["Logging:Level"] = "verbose";
        _host = TestHosts.Build("alerts", settings, b => b.AddAlerts(), harness: true,
            services => services.AddSingleton(_logs.CreateFactory()));
        await _host.StartAsync();
        _harness = _host.Services.GetRequiredService<ITestHarness>();
    }

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        await _sink.DisposeAsync();
    }

    private static CircuitBreakerTripped Trip(string breaker = "drawdown") => new()
    {
        CorrelationId = Guid.NewGuid(),
        OccurredAt = DateTimeOffset.UtcNow,
        Breaker = breaker,
        Value = 0.16m,
        Threshold = 0.15m,
        Action = "halted",
        Severity = AlertSeverity.Critical,
        Reason = "drawdown 16% from the high-water mark",
    };

    private async Task<T> EventuallyPublishedAsync<T>(Func<T, bool> filter)
        where T : class
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            var match = _harness.Published.Select<T>().Select(m => m.Context.Message).FirstOrDefault(filter);
            if (match is not null)
            {
                return match;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"no {typeof(T).Name} matching the filter was published");
    }

    [Fact]
    public async Task Background_work_stays_pending_until_the_delivery_is_published()
    {
        // Stepped paper runs wait for this before moving the clock: "idle" must mean the AlertSent is already out.
        var work = Assert.Single(_host.Services.GetServices<CypherScoping.Messaging.IBackgroundWork>());
        _sink.ResponseDelay = TimeSpan.FromMilliseconds(400);
        var trip = Trip("api_errors");
        await _harness.Bus.Publish(trip);
        await _sink.WaitForRequestsAsync(1);
        Assert.True(work.PendingWork > 0, "the delivery is on its way to Slack: the work is not finished");

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (work.PendingWork > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(1);
        }

        Assert.Equal(0, work.PendingWork);
        Assert.Contains(_harness.Published.Select<AlertSent>(), m => m.Context.Message.CorrelationId == trip.CorrelationId);
    }

    [Fact]
    public async Task A_breaker_trip_reaches_slack_and_publishes_alert_sent()
    {
        var trip = Trip();
        await _harness.Bus.Publish(trip);

        var requests = await _sink.WaitForRequestsAsync(1);
        Assert.Contains("[CRITICAL] Circuit breaker drawdown tripped (halted)", requests[0].Body, StringComparison.Ordinal);
        Assert.Contains(trip.CorrelationId.ToString("D"), requests[0].Body, StringComparison.Ordinal);
        var sent = await EventuallyPublishedAsync<AlertSent>(s => s.Channel == "slack" && s.CorrelationId == trip.CorrelationId);
        Assert.Equal(AlertSeverity.Critical, sent.Severity);
        Assert.Equal(1, sent.Count);
        await EventuallyPublishedAsync<AlertSent>(s => s.Channel == "log" && s.CorrelationId == trip.CorrelationId);
        Assert.Contains(_logs.Entries, e => e.Level == LogLevel.Critical && e.Message.Contains("ALERT CRITICAL Circuit breaker drawdown", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_dead_webhook_publishes_alert_failed_without_the_secret_and_the_service_keeps_going()
    {
        _sink.DefaultResponse = new SinkResponse(500, Body: "down");
        var trip = Trip("api_errors");
        await _harness.Bus.Publish(trip);

        var failed = await EventuallyPublishedAsync<AlertFailed>(f => f.CorrelationId == trip.CorrelationId);
        Assert.Equal("slack", failed.Channel);
        Assert.DoesNotContain(_sink.Secret, failed.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("/services/", failed.Error, StringComparison.Ordinal);

        _sink.DefaultResponse = new SinkResponse(200);
        var next = new TradingStateChanged
        {
            CorrelationId = Guid.NewGuid(), OccurredAt = DateTimeOffset.UtcNow, State = TradingState.Halted, PreviousState = TradingState.Active,
            Reason = "api errors", ChangedBy = "risk",
        };
        await _harness.Bus.Publish(next);
        await EventuallyPublishedAsync<AlertSent>(s => s.Channel == "slack" && s.CorrelationId == next.CorrelationId);
        Assert.False(await _harness.Published.Any<Fault>());
    }

    [Fact]
    public async Task A_redelivered_event_is_alerted_once()
    {
        var trip = Trip("consecutive_losses") with { Action = "paused" };
        var messageId = NewId.NextGuid();
        await _harness.Bus.Publish(trip, ctx => ctx.MessageId = messageId);
        await _harness.Bus.Publish(trip, ctx => ctx.MessageId = messageId);

        await EventuallyPublishedAsync<AlertSent>(s => s.Channel == "slack" && s.CorrelationId == trip.CorrelationId);
        // The second delivery reached the consumer and was recognised by the inbox.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!_logs.Entries.Any(e => e.Message.Contains("DuplicateMessage", StringComparison.Ordinal)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.Contains(_logs.Entries, e => e.Message.Contains("breaker:consecutive_losses:paused", StringComparison.Ordinal) && e.Message.Contains("DuplicateMessage", StringComparison.Ordinal));
        await Task.Delay(500); // give a (wrong) second delivery time to show up
        Assert.Single(_sink.Requests);
    }

    [Fact]
    public async Task Exchange_errors_warn_only_as_a_burst_and_a_redelivered_error_counts_once()
    {
        ExchangeErrorOccurred Error() => new()
        {
            CorrelationId = Guid.NewGuid(), OccurredAt = DateTimeOffset.UtcNow, Operation = "place_order",
            ErrorCode = ErrorCodes.ExchangeUnavailable, HttpStatus = 503, Message = "bad gateway",
        };

        var first = Error();
        var messageId = NewId.NextGuid();
        await _harness.Bus.Publish(first, ctx => ctx.MessageId = messageId);
        await _harness.Bus.Publish(first, ctx => ctx.MessageId = messageId);
        await _harness.Bus.Publish(Error());
        // Three deliveries counted (the redelivery among them) and none of them made a burst.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (Counted().Count < 3 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.Equal(3, Counted().Count);
        Assert.Equal(2, Counted().Max());
        await Task.Delay(300); // give a (wrong) early burst warning time to show up
        Assert.Empty(_sink.Requests);

        var third = Error();
        await _harness.Bus.Publish(third);
        var requests = await _sink.WaitForRequestsAsync(1);
        Assert.Contains("3 exchange errors in 10 min", requests[0].Body, StringComparison.Ordinal);
        await EventuallyPublishedAsync<AlertSent>(s => s.Channel == "slack" && s.CorrelationId == third.CorrelationId);

        List<int> Counted() =>
        [
            .. _logs.Entries
                .Select(e => System.Text.RegularExpressions.Regex.Match(e.Message, @"^Exchange error \S+ on place_order: (\d+) in the last 10 min$"))
                .Where(match => match.Success)
                .Select(match => int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)),
        ];
    }

    [Fact]
    public async Task The_webhook_url_is_absent_from_every_captured_log_line()
    {
        _sink.Respond(new SinkResponse(500), new SinkResponse(429, RetryAfterSeconds: 1));
        var trip = Trip();
        await _harness.Bus.Publish(trip);
        await EventuallyPublishedAsync<AlertSent>(s => s.Channel == "slack" && s.CorrelationId == trip.CorrelationId);

        var logs = _logs.AllText();
        Assert.True(_logs.Entries.Count > 5, "the capture saw the host's logging");
        Assert.DoesNotContain(_sink.Secret, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(_sink.WebhookUrl, logs, StringComparison.Ordinal);
        Assert.DoesNotContain("TCYPHER01/BCYPHER02", logs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Paper_events_that_need_no_human_raise_nothing()
    {
        var started = new ServiceStarted { CorrelationId = Guid.NewGuid(), OccurredAt = DateTimeOffset.UtcNow, Service = "executor", Mode = TradingMode.Paper, Version = "1", Host = "h" };
        await _harness.Bus.Publish(started);
        Assert.True(await _harness.Consumed.Any<ServiceStarted>(c => c.Context.Message.CorrelationId == started.CorrelationId));
        await Task.Delay(300);
        Assert.Empty(_sink.Requests);
        Assert.False(await _harness.Published.Any<AlertSent>(s => s.Context.Message.CorrelationId == started.CorrelationId));
    }
}

public sealed class AlertsStartupTests
{
    [Fact]
    public async Task The_service_refuses_to_start_on_invalid_alert_settings_listing_every_problem()
    {
        var settings = TestHosts.SqliteSettings();
        settings["Alerts:Email"] = "oncall@example.org";
        settings["Alerts:Channels:Email:RateLimitPerMinute"] = "-1";
        using var host = TestHosts.Build("alerts", settings, b => b.AddAlerts(), harness: true);

        var ex = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => host.StartAsync());
        Assert.Contains(ex.Failures, f => f.Contains("SMTP_HOST", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("SMTP_FROM", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("Alerts:Channels:Email:RateLimitPerMinute", StringComparison.Ordinal));
    }
}
