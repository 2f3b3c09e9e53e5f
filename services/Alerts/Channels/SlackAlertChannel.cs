using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CypherScoping.Alerts.Domain;
using CypherScoping.Contracts;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;

namespace CypherScoping.Alerts.Channels;

/// <summary>
/// Slack incoming webhook. Retries (exponential back-off, 5xx/408/429/network errors, honouring Retry-After up to a
/// cap) come from the resilience handler registered on the named HttpClient, not from a loop here. The webhook
/// URL is a secret: HttpClient's request logging is removed for this client and every error text is scrubbed.
/// </summary>
public sealed partial class SlackAlertChannel(
    IHttpClientFactory httpClientFactory,
    IOptions<AlertsOptions> options,
    ILogger<SlackAlertChannel> logger) : IAlertChannel
{
    public const string HttpClientName = "cypher-alerts-slack";
    public const string ChannelName = "slack";

    public string Name => ChannelName;

    public bool IsConfigured => options.Value.SlackConfigured;

    public AlertChannelOptions Options => options.Value.Channels.Slack;

    public async Task<ChannelResult> SendAsync(Alert alert, CancellationToken cancellationToken)
    {
        if (!IsConfigured)
        {
            return ChannelResult.Failed(Name, "Slack is not configured (ALERT_SLACK_WEBHOOK)");
        }

        var webhook = options.Value.SlackWebhook!.Trim();
        try
        {
            var client = httpClientFactory.CreateClient(HttpClientName);
            using var content = new StringContent(SlackPayload.Build(alert), Encoding.UTF8, "application/json");
            using var response = await client.PostAsync(new Uri(webhook), content, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                LogDelivered(logger, alert.AlertId, alert.Severity);
                return ChannelResult.Ok(Name);
            }

            var status = (int)response.StatusCode;
            var transient = status is >= 500 or 408 or 429;
            var error = $"Slack answered HTTP {status.ToString(CultureInfo.InvariantCulture)}" +
                        (transient ? $" after {options.Value.Retry.MaxRetries.ToString(CultureInfo.InvariantCulture)} retries" : " (not retried: fix the webhook or the channel)");
            LogFailed(logger, alert.AlertId, error);
            return ChannelResult.Failed(Name, error);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            var error = SecretScrubber.Scrub($"{ex.GetType().Name}: {ex.Message}", webhook);
            LogFailed(logger, alert.AlertId, error);
            return ChannelResult.Failed(Name, error);
        }
    }

    /// <summary>The resilience pipeline of the Slack HttpClient (called from AddAlerts).</summary>
    internal static void ConfigureResilience(ResiliencePipelineBuilder<HttpResponseMessage> builder, AlertRetryOptions retry, TimeProvider time)
    {
        var maxRetryAfter = TimeSpan.FromSeconds(retry.MaxRetryAfterSeconds);
        builder.AddRetry(new HttpRetryStrategyOptions
        {
            MaxRetryAttempts = Math.Max(retry.MaxRetries, 1), // Polly needs at least 1; MaxRetries = 0 disables handling below
            ShouldHandle = retry.MaxRetries == 0
                ? _ => ValueTask.FromResult(false)
                : new HttpRetryStrategyOptions().ShouldHandle,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromMilliseconds(retry.BaseDelayMilliseconds),
            ShouldRetryAfterHeader = false,
            DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result?.Headers.RetryAfter, time, maxRetryAfter)),
        });
        builder.AddTimeout(TimeSpan.FromSeconds(retry.AttemptTimeoutSeconds));
    }

    /// <summary>Slack's Retry-After (seconds or a date), capped; null = use the exponential back-off.</summary>
    public static TimeSpan? RetryAfter(RetryConditionHeaderValue? header, TimeProvider time, TimeSpan max)
    {
        TimeSpan? wait = header switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - time.GetUtcNow(),
            _ => null,
        };
        if (wait is null)
        {
            return null;
        }

        return wait.Value < TimeSpan.Zero ? TimeSpan.Zero : wait.Value > max ? max : wait.Value;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Alert {AlertId} ({Severity}) delivered to Slack")]
    private static partial void LogDelivered(ILogger logger, Guid alertId, Contracts.AlertSeverity severity);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert {AlertId} could not be delivered to Slack: {Error}")]
    private static partial void LogFailed(ILogger logger, Guid alertId, string error);
}

/// <summary>The Slack message: fallback text, a header, what to do, the key fields and a context line with the correlation id.</summary>
public static class SlackPayload
{
    public static string Build(Alert alert)
    {
        var label = AlertSeverities.Label(alert.Severity);
        var icon = alert.Severity switch
        {
            AlertSeverity.Critical => ":rotating_light:",
            AlertSeverity.Warning => ":warning:",
            _ => ":information_source:",
        };
        var countText = alert.Count > 1 ? $" (×{alert.Count.ToString(CultureInfo.InvariantCulture)})" : string.Empty;
        var blocks = new JsonArray
        {
            new JsonObject
            {
                ["type"] = "header",
                ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = Cut($"{label}: {alert.Title}{countText}", 150), ["emoji"] = true },
            },
            new JsonObject
            {
                ["type"] = "section",
                ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = Cut($"{icon} *What to do:* {alert.WhatToDo}", 3000) },
            },
        };
        foreach (var chunk in alert.Fields.Chunk(10))
        {
            var fields = new JsonArray();
            foreach (var field in chunk)
            {
                fields.Add(new JsonObject { ["type"] = "mrkdwn", ["text"] = Cut($"*{field.Name}*\n{field.Value}", 2000) });
            }

            blocks.Add(new JsonObject { ["type"] = "section", ["fields"] = fields });
        }

        blocks.Add(new JsonObject
        {
            ["type"] = "context",
            ["elements"] = new JsonArray
            {
                new JsonObject
                {
                    ["type"] = "mrkdwn",
                    ["text"] = $"correlation `{alert.CorrelationId:D}` · {alert.Source} · {alert.OccurredAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC · count {alert.Count.ToString(CultureInfo.InvariantCulture)}",
                },
            },
        });
        var payload = new JsonObject
        {
            ["text"] = Cut($"[{label}] {alert.Title}{countText} — correlation {alert.CorrelationId:D}", 3000),
            ["blocks"] = blocks,
        };
        return payload.ToJsonString(JsonOptions);
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = false };

    private static string Cut(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
