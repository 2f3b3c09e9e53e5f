using System.Text.Json;
using CypherScoping.Alerts.Data;
using CypherScoping.Contracts;
using CypherScoping.Persistence;
using CypherScoping.TestKit;
using CypherScoping.TestKit.Sinks;
using Microsoft.Extensions.Time.Testing;

namespace CypherScoping.Alerts.Tests;

/// <summary>
/// Noise control end to end: the dispatcher with its real store and the real Slack channel against the local
/// receiver, time from a FakeTimeProvider. Runs on SQLite and (integration) on a fresh PostgreSQL schema.
/// </summary>
public abstract class AlertDispatcherTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 27, 3, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(T0);
    private SlackWebhookSink _sink = null!;
    private Dictionary<string, string?> _settings = null!;
    private AlertRig _rig = null!;

    protected abstract Task<ServiceDatabase> CreateDatabaseAsync();

    public async Task InitializeAsync()
    {
        _sink = await SlackWebhookSink.StartAsync();
        _settings = AlertRig.FastRetries(new()
        {
            ["Alerts:SlackWebhook"] = _sink.WebhookUrl,
            ["Alerts:Channels:Slack:RateLimitPerMinute"] = "2",
            ["Alerts:Channels:Slack:MinSeverity"] = "warning",
            ["Alerts:DedupWindowSeconds"] = "600",
        });
        _rig = await AlertRig.StartAsync(_settings, _time, await CreateDatabaseAsync());
    }

    public async Task DisposeAsync()
    {
        await _rig.DisposeAsync();
        await _sink.DisposeAsync();
    }

    private static (string Text, string Header) Read(SinkRequest request)
    {
        using var json = JsonDocument.Parse(request.Body);
        return (json.RootElement.GetProperty("text").GetString()!, json.RootElement.GetProperty("blocks")[0].GetProperty("text").GetProperty("text").GetString()!);
    }

    private async Task<int> SlackDeliveriesAsync()
    {
        var reports = await _rig.Dispatcher.DrainAsync();
        return reports.Count(r => r.Result.Channel == "slack" && r.Result.Delivered);
    }

    [Fact]
    public async Task Identical_alerts_in_the_window_become_one_message_and_one_repeat_with_the_count()
    {
        for (var i = 0; i < 5; i++)
        {
            var outcome = await _rig.Dispatcher.SubmitAsync(AlertRig.Make(AlertSeverity.Warning, key: "order_rejected:ETHUSDTM", title: "KuCoin rejected an order"), null);
            Assert.Equal(i == 0 ? IntakeOutcome.Queued : IntakeOutcome.Suppressed, outcome);
            _time.Advance(TimeSpan.FromSeconds(30));
        }

        var first = await _rig.Dispatcher.DrainAsync();
        Assert.Single(_sink.Requests);
        Assert.Equal(1, first.Single(r => r.Result.Channel == "slack").Alert.Count);

        _time.Advance(TimeSpan.FromMinutes(9)); // the window (10 min from the first) has ended
        var second = await _rig.Dispatcher.DrainAsync();
        var repeat = second.Single(r => r.Result.Channel == "slack");
        Assert.Equal(4, repeat.Alert.Count);
        Assert.Equal(2, _sink.Requests.Count);
        Assert.Contains("repeated 4×", Read(_sink.Requests[1]).Text, StringComparison.Ordinal);
        Assert.Contains("(×4)", Read(_sink.Requests[1]).Header, StringComparison.Ordinal);

        // Nothing more to say: no further messages.
        _time.Advance(TimeSpan.FromMinutes(20));
        await _rig.Dispatcher.DrainAsync();
        Assert.Equal(2, _sink.Requests.Count);
    }

    [Fact]
    public async Task Excess_over_the_rate_limit_is_folded_into_one_summary_with_the_count()
    {
        for (var i = 0; i < 5; i++)
        {
            await _rig.Dispatcher.SubmitAsync(AlertRig.Make(AlertSeverity.Warning, key: $"k{i}", title: $"warning {i}"), null);
        }

        Assert.Equal(2, await SlackDeliveriesAsync());
        var counts = await _rig.Store.CountsAsync();
        Assert.Equal(3, counts[("slack", "folded")]);
        Assert.Equal(2, _sink.Requests.Count);

        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(0, await SlackDeliveriesAsync()); // still inside the minute

        _time.Advance(TimeSpan.FromSeconds(31));
        var reports = await _rig.Dispatcher.DrainAsync();
        var summary = reports.Single(r => r.Result.Channel == "slack");
        Assert.Equal(3, summary.Alert.Count);
        Assert.Equal(3, _sink.Requests.Count);
        Assert.Contains("3 alert(s) held back by the slack rate limit", Read(_sink.Requests[2]).Text, StringComparison.Ordinal);
        Assert.Equal(3, (await _rig.Store.CountsAsync())[("slack", "summarized")]);
    }

    [Fact]
    public async Task Critical_alerts_go_first_and_are_delivered_while_the_channel_is_throttled()
    {
        for (var i = 0; i < 3; i++)
        {
            await _rig.Dispatcher.SubmitAsync(AlertRig.Make(AlertSeverity.Warning, key: $"w{i}", title: $"warning {i}"), null);
        }

        await _rig.Dispatcher.SubmitAsync(AlertRig.Make(AlertSeverity.Critical, key: "halt", title: "Trading halted"), null);
        await _rig.Dispatcher.DrainAsync();
        Assert.StartsWith("[CRITICAL] Trading halted", Read(_sink.Requests[0]).Text, StringComparison.Ordinal);
        Assert.Equal(2, _sink.Requests.Count); // critical + one warning: the critical used budget too, the rest is folded

        // Channel now over its limit: more criticals still go out at once, warnings are folded.
        _time.Advance(TimeSpan.FromSeconds(5));
        await _rig.Dispatcher.SubmitAsync(AlertRig.Make(AlertSeverity.Warning, key: "w9", title: "another warning"), null);
        for (var i = 0; i < 3; i++)
        {
            await _rig.Dispatcher.SubmitAsync(AlertRig.Make(AlertSeverity.Critical, key: $"c{i}", title: $"critical {i}"), null);
        }

        await _rig.Dispatcher.DrainAsync();
        Assert.Equal(5, _sink.Requests.Count);
        Assert.All(_sink.Requests.Skip(2), r => Assert.StartsWith("[CRITICAL]", Read(r).Text, StringComparison.Ordinal));
        Assert.Equal(3, (await _rig.Store.CountsAsync())[("slack", "folded")]);
    }

    [Fact]
    public async Task Below_the_channel_minimum_goes_to_the_log_only()
    {
        await _rig.Dispatcher.SubmitAsync(AlertRig.Make(AlertSeverity.Info, key: "ramp", title: "Ramp advanced"), null);
        var reports = await _rig.Dispatcher.DrainAsync();
        Assert.Equal(["log"], reports.Select(r => r.Result.Channel));
        Assert.Empty(_sink.Requests);
        Assert.Contains(_rig.Logs.Entries, e => e.Message.Contains("ALERT INFO Ramp advanced", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_redelivered_message_is_not_sent_twice()
    {
        Assert.Equal(IntakeOutcome.Queued, await _rig.Dispatcher.SubmitAsync(AlertRig.Make(AlertSeverity.Critical, key: "x"), "CircuitBreakerTripped:m1"));
        _time.Advance(TimeSpan.FromHours(1)); // even after the window: the inbox remembers the message
        Assert.Equal(IntakeOutcome.DuplicateMessage, await _rig.Dispatcher.SubmitAsync(AlertRig.Make(AlertSeverity.Critical, key: "x"), "CircuitBreakerTripped:m1"));
        await _rig.Dispatcher.DrainAsync();
        Assert.Single(_sink.Requests);
    }

    [Fact]
    public async Task A_restart_neither_re_sends_nor_forgets_the_window()
    {
        await _rig.Dispatcher.SubmitAsync(AlertRig.Make(AlertSeverity.Warning, key: "same"), null);
        await _rig.Dispatcher.DrainAsync();
        Assert.Single(_sink.Requests);

        await using var restarted = await _rig.RestartAsync(_settings);
        await restarted.Dispatcher.DrainAsync();
        Assert.Single(_sink.Requests);
        Assert.Equal(IntakeOutcome.Suppressed, await restarted.Dispatcher.SubmitAsync(AlertRig.Make(AlertSeverity.Warning, key: "same"), null));
        _time.Advance(TimeSpan.FromMinutes(11));
        var reports = await restarted.Dispatcher.DrainAsync();
        Assert.Equal(1, reports.Single(r => r.Result.Channel == "slack").Alert.Count);
        Assert.Equal(2, _sink.Requests.Count);
    }

    [Fact]
    public async Task Exchange_errors_are_counted_once_per_message_inside_the_window_and_across_a_restart()
    {
        var t0 = new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);
        var window = TimeSpan.FromMinutes(10);
        Assert.Equal(1, await _rig.Store.CountExchangeErrorAsync("e1", t0, window, default));
        Assert.Equal(1, await _rig.Store.CountExchangeErrorAsync("e1", t0, window, default)); // redelivery
        Assert.Equal(2, await _rig.Store.CountExchangeErrorAsync("e2", t0.AddMinutes(4), window, default));

        await using var restarted = await _rig.RestartAsync(_settings);
        Assert.Equal(3, await restarted.Store.CountExchangeErrorAsync("e3", t0.AddMinutes(9), window, default));
        // The window ends at each error's own time: at t0+12 min the first error has left it.
        Assert.Equal(3, await restarted.Store.CountExchangeErrorAsync("e4", t0.AddMinutes(12), window, default));
        Assert.Equal(1, await restarted.Store.CountExchangeErrorAsync("e5", t0.AddHours(2), window, default));
    }

    [Fact]
    public async Task A_failed_delivery_is_reported_and_the_queue_moves_on()
    {
        _sink.DefaultResponse = new SinkResponse(404, Body: "no_service");
        await _rig.Dispatcher.SubmitAsync(AlertRig.Make(AlertSeverity.Critical, key: "dead"), null);
        var reports = await _rig.Dispatcher.DrainAsync();
        var slack = reports.Single(r => r.Result.Channel == "slack");
        Assert.False(slack.Result.Delivered);
        Assert.Contains("HTTP 404", slack.Result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(_sink.Secret, slack.Result.Error, StringComparison.Ordinal);
        Assert.Equal(1, (await _rig.Store.CountsAsync())[("slack", "failed")]);
        Assert.True(reports.Single(r => r.Result.Channel == "log").Result.Delivered);
    }

    [Fact]
    public async Task A_failed_critical_is_queued_again_until_it_arrives_but_not_forever()
    {
        _sink.DefaultResponse = new SinkResponse(404, Body: "no_service");
        await _rig.Dispatcher.SubmitAsync(AlertRig.Make(AlertSeverity.Critical, key: "halt"), null);
        await _rig.Dispatcher.SubmitAsync(AlertRig.Make(AlertSeverity.Warning, key: "warn"), null);
        await _rig.Dispatcher.DrainAsync();
        Assert.Equal(2, _sink.Requests.Count);

        _time.Advance(TimeSpan.FromSeconds(30));
        await _rig.Dispatcher.DrainAsync();
        Assert.Equal(2, _sink.Requests.Count); // not yet: the pause is 60 s

        _time.Advance(TimeSpan.FromSeconds(31));
        _sink.DefaultResponse = new SinkResponse(200);
        var reports = await _rig.Dispatcher.DrainAsync();
        var again = reports.Single(r => r.Result.Channel == "slack");
        Assert.True(again.Result.Delivered);
        Assert.Equal(AlertSeverity.Critical, again.Alert.Severity); // the failed warning is not re-sent
        Assert.Equal(3, _sink.Requests.Count);

        // A channel that never recovers: bounded rounds (1 + 3 by default), then it stays failed.
        _sink.DefaultResponse = new SinkResponse(404);
        await _rig.Dispatcher.SubmitAsync(AlertRig.Make(AlertSeverity.Critical, key: "halt2"), null);
        for (var i = 0; i < 8; i++)
        {
            await _rig.Dispatcher.DrainAsync();
            _time.Advance(TimeSpan.FromSeconds(61));
        }

        Assert.Equal(3 + 4, _sink.Requests.Count);
    }
}

public sealed class SqliteAlertDispatcherTests : AlertDispatcherTests
{
    protected override Task<ServiceDatabase> CreateDatabaseAsync() =>
        Task.FromResult(ServiceDatabase.ForSqlite("alerts", Path.Combine(Path.GetTempPath(), "cypher-tests", Guid.NewGuid().ToString("N"), "alerts.db")));
}

[Trait("Category", "Integration")]
public sealed class PostgresAlertDispatcherTests : AlertDispatcherTests
{
    protected override async Task<ServiceDatabase> CreateDatabaseAsync() =>
        ServiceDatabase.ForPostgres("alerts", "alerts" + TestServers.UniqueSuffix(), await TestServers.PostgresAsync());
}
