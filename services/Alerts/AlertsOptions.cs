using CypherScoping.Contracts;
using Microsoft.Extensions.Options;
using MimeKit;

namespace CypherScoping.Alerts;

/// <summary>
/// Section "Alerts". Flat keys: ALERT_SLACK_WEBHOOK → SlackWebhook, ALERT_EMAIL → Email, SMTP_* → Smtp.
/// The log channel is always on; Slack when the webhook is set; e-mail when ALERT_EMAIL and SMTP_HOST are set.
/// </summary>
public sealed class AlertsOptions
{
    public const string SectionName = "Alerts";

    /// <summary>Slack incoming webhook URL. A secret: never logged, never put in an alert or an error.</summary>
    public string? SlackWebhook { get; set; }

    /// <summary>Recipient(s) of alert e-mails (comma-separated).</summary>
    public string? Email { get; set; }

    public SmtpOptions Smtp { get; set; } = new();

    public AlertChannelsOptions Channels { get; set; } = new();

    /// <summary>Identical alerts (same key) within this window become one message plus one "repeated N×" message.</summary>
    public int DedupWindowSeconds { get; set; } = 600;

    /// <summary>Exchange errors within the burst window that raise a warning.</summary>
    public int ExchangeErrorBurstCount { get; set; } = 3;

    public int ExchangeErrorBurstWindowSeconds { get; set; } = 600;

    /// <summary>How often the delivery worker looks at the queue when nothing wakes it.</summary>
    public int PollIntervalMilliseconds { get; set; } = 1000;

    public AlertRetryOptions Retry { get; set; } = new();

    /// <summary>A critical alert whose delivery failed is queued again this many times (0 = never).</summary>
    public int CriticalRedeliveryRounds { get; set; } = 3;

    /// <summary>Pause before a failed critical alert is queued again.</summary>
    public int CriticalRedeliveryDelaySeconds { get; set; } = 60;

    public bool SlackConfigured => !string.IsNullOrWhiteSpace(SlackWebhook);

    public bool EmailConfigured => !string.IsNullOrWhiteSpace(Email) && !string.IsNullOrWhiteSpace(Smtp.Host);

    public TimeSpan DedupWindow => TimeSpan.FromSeconds(DedupWindowSeconds);
}

public sealed class SmtpOptions
{
    public string? Host { get; set; }

    public int Port { get; set; } = 587;

    public string? Username { get; set; }

    /// <summary>A secret: never logged.</summary>
    public string? Password { get; set; }

    public string? From { get; set; }

    /// <summary>auto (TLS on 465, STARTTLS when offered otherwise), none, starttls, sslonconnect.</summary>
    public string Security { get; set; } = "auto";
}

/// <summary>Per-channel noise settings: Alerts:Channels:Slack:MinSeverity, …:RateLimitPerMinute.</summary>
public sealed class AlertChannelsOptions
{
    public AlertChannelOptions Slack { get; set; } = new() { MinSeverity = AlertSeverity.Info, RateLimitPerMinute = 20 };

    public AlertChannelOptions Email { get; set; } = new() { MinSeverity = AlertSeverity.Warning, RateLimitPerMinute = 6 };

    public AlertChannelOptions Log { get; set; } = new() { MinSeverity = AlertSeverity.Info, RateLimitPerMinute = 600 };
}

public sealed class AlertChannelOptions
{
    public AlertSeverity MinSeverity { get; set; } = AlertSeverity.Info;

    /// <summary>Non-critical messages per sliding minute; the excess is folded into one summary.</summary>
    public int RateLimitPerMinute { get; set; } = 20;
}

/// <summary>Delivery retries (Slack via Microsoft.Extensions.Http.Resilience, SMTP via Polly). Short in tests.</summary>
public sealed class AlertRetryOptions
{
    /// <summary>Retries after the first attempt.</summary>
    public int MaxRetries { get; set; } = 4;

    public int BaseDelayMilliseconds { get; set; } = 1000;

    /// <summary>A Retry-After longer than this is capped (the queue must keep moving).</summary>
    public int MaxRetryAfterSeconds { get; set; } = 30;

    public int AttemptTimeoutSeconds { get; set; } = 10;
}

/// <summary>Lists every problem at once; never echoes the webhook URL or the SMTP password.</summary>
public sealed class AlertsOptionsValidator : IValidateOptions<AlertsOptions>
{
    public ValidateOptionsResult Validate(string? name, AlertsOptions options)
    {
        var errors = new List<string>();
        if (options.SlackConfigured &&
            (!Uri.TryCreate(options.SlackWebhook!.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            errors.Add("ALERT_SLACK_WEBHOOK (Alerts:SlackWebhook) must be an absolute http(s) URL (value not shown: it is a secret)");
        }

        if (!string.IsNullOrWhiteSpace(options.Email))
        {
            if (!InternetAddressList.TryParse(options.Email, out var recipients) || !recipients.Mailboxes.Any())
            {
                errors.Add($"ALERT_EMAIL (Alerts:Email)='{options.Email}' is not an e-mail address (comma-separated list allowed)");
            }

            if (string.IsNullOrWhiteSpace(options.Smtp.Host))
            {
                errors.Add("ALERT_EMAIL is set but SMTP_HOST (Alerts:Smtp:Host) is missing: e-mail alerts need an SMTP server");
            }

            if (string.IsNullOrWhiteSpace(options.Smtp.From) || !MailboxAddress.TryParse(options.Smtp.From, out _))
            {
                errors.Add("ALERT_EMAIL is set but SMTP_FROM (Alerts:Smtp:From) is missing or not an e-mail address");
            }

            if (!string.IsNullOrEmpty(options.Smtp.Username) && string.IsNullOrEmpty(options.Smtp.Password))
            {
                errors.Add("SMTP_USERNAME is set but SMTP_PASSWORD is empty");
            }
        }

        if (options.Smtp.Port is < 1 or > 65535)
        {
            errors.Add($"SMTP_PORT (Alerts:Smtp:Port)={options.Smtp.Port} must be between 1 and 65535");
        }

        if (options.Smtp.Security.ToLowerInvariant() is not ("auto" or "none" or "starttls" or "sslonconnect"))
        {
            errors.Add($"Alerts:Smtp:Security='{options.Smtp.Security}' must be auto, none, starttls or sslonconnect");
        }

        Positive(errors, "Alerts:DedupWindowSeconds", options.DedupWindowSeconds, allowZero: true);
        Positive(errors, "Alerts:ExchangeErrorBurstCount", options.ExchangeErrorBurstCount);
        Positive(errors, "Alerts:ExchangeErrorBurstWindowSeconds", options.ExchangeErrorBurstWindowSeconds);
        Positive(errors, "Alerts:PollIntervalMilliseconds", options.PollIntervalMilliseconds);
        Positive(errors, "Alerts:Channels:Slack:RateLimitPerMinute", options.Channels.Slack.RateLimitPerMinute);
        Positive(errors, "Alerts:Channels:Email:RateLimitPerMinute", options.Channels.Email.RateLimitPerMinute);
        Positive(errors, "Alerts:Channels:Log:RateLimitPerMinute", options.Channels.Log.RateLimitPerMinute);
        Positive(errors, "Alerts:CriticalRedeliveryRounds", options.CriticalRedeliveryRounds, allowZero: true);
        Positive(errors, "Alerts:CriticalRedeliveryDelaySeconds", options.CriticalRedeliveryDelaySeconds);
        Positive(errors, "Alerts:Retry:MaxRetries", options.Retry.MaxRetries, allowZero: true);
        Positive(errors, "Alerts:Retry:BaseDelayMilliseconds", options.Retry.BaseDelayMilliseconds);
        Positive(errors, "Alerts:Retry:MaxRetryAfterSeconds", options.Retry.MaxRetryAfterSeconds, allowZero: true);
        Positive(errors, "Alerts:Retry:AttemptTimeoutSeconds", options.Retry.AttemptTimeoutSeconds);
        if (options.Retry.MaxRetries > 10)
        {
            errors.Add($"Alerts:Retry:MaxRetries={options.Retry.MaxRetries} must be at most 10");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Positive(List<string> errors, string key, int value, bool allowZero = false)
    {
        if (value < 0 || (!allowZero && value == 0))
        {
            errors.Add($"{key}={value} must be {(allowZero ? "zero or more" : "greater than zero")}");
        }
    }
}
