using System.Globalization;
using CypherScoping.Contracts;
using CypherScoping.TestKit.Sinks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace CypherScoping.Alerts.Tests;

/// <summary>The direct API behind `cypher alert test` and the rollback command: every configured channel, one result each.</summary>
public sealed class AlertsClientTests
{
    private static IConfiguration Config(Dictionary<string, string?> settings) => new ConfigurationBuilder().AddInMemoryCollection(settings).Build();

    [Fact]
    public async Task Test_alert_reports_every_configured_channel()
    {
        await using var slack = await SlackWebhookSink.StartAsync();
        await using var smtp = SmtpSink.Start();
        var logs = new CapturingLoggerProvider();
        var results = await AlertsClient.SendTestAsync(Config(AlertRig.FastRetries(new()
        {
            ["Alerts:SlackWebhook"] = slack.WebhookUrl,
            ["Alerts:Email"] = "oncall@example.org",
            ["Alerts:Smtp:Host"] = smtp.Host,
            ["Alerts:Smtp:Port"] = smtp.Port.ToString(CultureInfo.InvariantCulture),
            ["Alerts:Smtp:From"] = "cypher@example.org",
        })), AlertSeverity.Warning, "hello operator", logs.CreateFactory());

        Assert.Equal(["email", "log", "slack"], results.Select(r => r.Channel).Order());
        Assert.All(results, r => Assert.True(r.Delivered, r.Error));
        Assert.Contains("Test alert: hello operator", Assert.Single(slack.Requests).Body, StringComparison.Ordinal);
        Assert.Equal("[WARNING] CypherScoping: Test alert: hello operator", Assert.Single(smtp.Messages).Subject);
        Assert.Contains(logs.Entries, e => e.Message.Contains("ALERT WARNING Test alert: hello operator", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_failing_channel_is_reported_as_failed_while_the_others_deliver()
    {
        await using var slack = await SlackWebhookSink.StartAsync();
        slack.DefaultResponse = new SinkResponse(403, Body: "invalid_token");
        var results = await AlertsClient.SendTestAsync(Config(AlertRig.FastRetries(new() { ["Alerts:SlackWebhook"] = slack.WebhookUrl })), AlertSeverity.Critical, "x");

        var failed = Assert.Single(results, r => r.Channel == "slack");
        Assert.False(failed.Delivered);
        Assert.Contains("HTTP 403", failed.Error, StringComparison.Ordinal);
        Assert.Single(slack.Requests); // 403 is not transient: no retry
        Assert.True(Assert.Single(results, r => r.Channel == "log").Delivered);
    }

    [Fact]
    public async Task Invalid_settings_list_every_problem_without_the_webhook()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => AlertsClient.SendTestAsync(Config(new()
        {
            ["Alerts:SlackWebhook"] = "not a url with secret-token-123",
            ["Alerts:Email"] = "oncall@example.org",
            ["Alerts:Channels:Slack:RateLimitPerMinute"] = "0",
        }), AlertSeverity.Info, "x"));

        Assert.Equal(4, ex.Failures.Count()); // webhook, SMTP_HOST, SMTP_FROM, rate limit
        Assert.DoesNotContain("secret-token-123", ex.Message, StringComparison.Ordinal);
    }
}
