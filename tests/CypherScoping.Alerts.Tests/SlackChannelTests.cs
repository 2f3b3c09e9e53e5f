using System.Text.Json;
using CypherScoping.Alerts.Channels;
using CypherScoping.Contracts;
using CypherScoping.TestKit.Sinks;

namespace CypherScoping.Alerts.Tests;

/// <summary>The Slack channel against a real local webhook receiver (Kestrel on 127.0.0.1).</summary>
public sealed class SlackChannelTests : IAsyncLifetime
{
    private SlackWebhookSink _sink = null!;
    private AlertRig _rig = null!;

    public async Task InitializeAsync()
    {
        _sink = await SlackWebhookSink.StartAsync();
        _rig = await AlertRig.StartAsync(AlertRig.FastRetries(new() { ["Alerts:SlackWebhook"] = _sink.WebhookUrl }));
    }

    public async Task DisposeAsync()
    {
        await _rig.DisposeAsync();
        await _sink.DisposeAsync();
    }

    private IAlertChannel Slack => _rig.Sender.Find(SlackAlertChannel.ChannelName)!;

    [Fact]
    public async Task Delivers_a_message_with_severity_title_fields_and_correlation_id()
    {
        var alert = AlertRig.Make(AlertSeverity.Critical, title: "Trading halted (was active)");
        var result = await Slack.SendAsync(alert, CancellationToken.None);

        Assert.True(result.Delivered, result.Error);
        var request = Assert.Single(_sink.Requests);
        Assert.Equal("POST", request.Method);
        Assert.EndsWith(_sink.Secret, request.Path, StringComparison.Ordinal);
        Assert.StartsWith("application/json", request.ContentType, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(request.Body);
        var text = json.RootElement.GetProperty("text").GetString()!;
        Assert.Contains("[CRITICAL] Trading halted (was active)", text, StringComparison.Ordinal);
        Assert.Contains(alert.CorrelationId.ToString("D"), text, StringComparison.Ordinal);
        var blocks = json.RootElement.GetProperty("blocks").EnumerateArray().ToList();
        Assert.Equal("header", blocks[0].GetProperty("type").GetString());
        Assert.Contains("look at it", blocks[1].GetProperty("text").GetProperty("text").GetString(), StringComparison.Ordinal);
        var fields = blocks.Single(b => b.TryGetProperty("fields", out _)).GetProperty("fields").EnumerateArray().Select(f => f.GetProperty("text").GetString()).ToList();
        Assert.Contains("*Symbol*\nETHUSDTM", fields);
        var context = blocks[^1];
        Assert.Equal("context", context.GetProperty("type").GetString());
        Assert.Contains(alert.CorrelationId.ToString("D"), context.GetProperty("elements")[0].GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retries_after_a_500_and_delivers()
    {
        _sink.Respond(new SinkResponse(500, Body: "oops"), new SinkResponse(500, Body: "oops"));
        var result = await Slack.SendAsync(AlertRig.Make(AlertSeverity.Warning), CancellationToken.None);

        Assert.True(result.Delivered, result.Error);
        Assert.Equal([500, 500, 200], _sink.Requests.Select(r => r.RespondedWith));
    }

    [Fact]
    public async Task Honours_429_with_retry_after_before_retrying()
    {
        _sink.Respond(new SinkResponse(429, RetryAfterSeconds: 1, Body: "rate_limited"));
        var result = await Slack.SendAsync(AlertRig.Make(AlertSeverity.Warning), CancellationToken.None);

        Assert.True(result.Delivered, result.Error);
        var requests = _sink.Requests;
        Assert.Equal([429, 200], requests.Select(r => r.RespondedWith));
        // The back-off alone is 20 ms; only Retry-After explains a wait of about a second (a lower bound, not a speed).
        Assert.True(requests[1].ReceivedAt - requests[0].ReceivedAt >= TimeSpan.FromMilliseconds(900),
            $"second attempt came {(requests[1].ReceivedAt - requests[0].ReceivedAt).TotalMilliseconds} ms after the 429");
    }

    [Fact]
    public async Task A_dead_webhook_is_a_failed_result_without_the_url_not_an_exception()
    {
        _sink.DefaultResponse = new SinkResponse(500, Body: "down");
        var result = await Slack.SendAsync(AlertRig.Make(AlertSeverity.Critical), CancellationToken.None);

        Assert.False(result.Delivered);
        Assert.Equal(4, _sink.Requests.Count); // first attempt + 3 retries
        Assert.Contains("HTTP 500", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(_sink.Secret, result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(_sink.Secret, _rig.Logs.AllText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Webhook_url_never_reaches_the_logs_even_on_connection_errors()
    {
        // A webhook on a closed port: connection refused on every attempt.
        var closed = _sink.WebhookUrl.Replace($":{_sink.BaseAddress.Port}/", ":9/", StringComparison.Ordinal);
        await using var rig = await AlertRig.StartAsync(AlertRig.FastRetries(new() { ["Alerts:SlackWebhook"] = closed }));
        var result = await rig.Sender.Find("slack")!.SendAsync(AlertRig.Make(AlertSeverity.Critical), CancellationToken.None);

        Assert.False(result.Delivered);
        Assert.DoesNotContain(_sink.Secret, result.Error!, StringComparison.Ordinal);
        var logs = rig.Logs.AllText();
        Assert.NotEmpty(rig.Logs.Entries);
        Assert.DoesNotContain(_sink.Secret, logs, StringComparison.Ordinal);
        Assert.DoesNotContain("/services/TCYPHER01", logs, StringComparison.Ordinal);
    }

    [Fact]
    public void Retry_after_is_capped()
    {
        var time = TimeProvider.System;
        Assert.Equal(TimeSpan.FromSeconds(2), SlackAlertChannel.RetryAfter(new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromHours(1)), time, TimeSpan.FromSeconds(2)));
        Assert.Equal(TimeSpan.FromSeconds(1), SlackAlertChannel.RetryAfter(new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(1)), time, TimeSpan.FromSeconds(2)));
        Assert.Null(SlackAlertChannel.RetryAfter(null, time, TimeSpan.FromSeconds(2)));
    }
}
