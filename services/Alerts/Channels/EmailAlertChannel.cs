using System.Globalization;
using System.Net.Sockets;
using CypherScoping.Alerts.Domain;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;
using Polly;
using Polly.Retry;

namespace CypherScoping.Alerts.Channels;

/// <summary>
/// E-mail over SMTP with MailKit, when ALERT_EMAIL and SMTP_HOST are set. Transient failures (connection, 4xx
/// replies) are retried by a Polly pipeline; authentication and 5xx failures are not. The password is never logged.
/// </summary>
public sealed partial class EmailAlertChannel : IAlertChannel
{
    public const string ChannelName = "email";

    private readonly IOptions<AlertsOptions> _options;
    private readonly ILogger<EmailAlertChannel> _logger;
    private readonly ResiliencePipeline _pipeline;

    public EmailAlertChannel(IOptions<AlertsOptions> options, ILogger<EmailAlertChannel> logger)
    {
        _options = options;
        _logger = logger;
        var retry = options.Value.Retry;
        _pipeline = retry.MaxRetries == 0
            ? ResiliencePipeline.Empty
            : new ResiliencePipelineBuilder()
                .AddRetry(new RetryStrategyOptions
                {
                    MaxRetryAttempts = retry.MaxRetries,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = TimeSpan.FromMilliseconds(retry.BaseDelayMilliseconds),
                    ShouldHandle = new PredicateBuilder().Handle<Exception>(IsTransient),
                })
                .Build();
    }

    public string Name => ChannelName;

    public bool IsConfigured => _options.Value.EmailConfigured;

    public AlertChannelOptions Options => _options.Value.Channels.Email;

    public async Task<ChannelResult> SendAsync(Alert alert, CancellationToken cancellationToken)
    {
        if (!IsConfigured)
        {
            return ChannelResult.Failed(Name, "e-mail is not configured (ALERT_EMAIL and SMTP_HOST)");
        }

        var options = _options.Value;
        try
        {
            var message = Build(alert, options);
            await _pipeline.ExecuteAsync(async ct => await SendOnceAsync(message, options, ct), cancellationToken);
            LogDelivered(_logger, alert.AlertId, alert.Severity);
            return ChannelResult.Ok(Name);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            var error = Scrub($"{ex.GetType().Name}: {ex.Message}", options);
            LogFailed(_logger, alert.AlertId, error);
            return ChannelResult.Failed(Name, error);
        }
    }

    internal static MimeMessage Build(Alert alert, AlertsOptions options)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(options.Smtp.From!));
        message.To.AddRange(InternetAddressList.Parse(options.Email!));
        message.Subject = AlertText.Subject(alert);
        message.Headers.Add("X-Cypher-Alert-Id", alert.AlertId.ToString("D"));
        message.Headers.Add("X-Cypher-Correlation-Id", alert.CorrelationId.ToString("D"));
        message.Headers.Add("X-Cypher-Severity", AlertSeverities.Label(alert.Severity));
        message.Body = new TextPart("plain") { Text = AlertText.Body(alert) };
        return message;
    }

    private static async Task SendOnceAsync(MimeMessage message, AlertsOptions options, CancellationToken cancellationToken)
    {
        using var client = new SmtpClient { Timeout = options.Retry.AttemptTimeoutSeconds * 1000 };
        await client.ConnectAsync(options.Smtp.Host!.Trim(), options.Smtp.Port, Security(options.Smtp), cancellationToken);
        if (!string.IsNullOrEmpty(options.Smtp.Username))
        {
            await client.AuthenticateAsync(options.Smtp.Username, options.Smtp.Password ?? string.Empty, cancellationToken);
        }

        await client.SendAsync(message, cancellationToken);
        await client.DisconnectAsync(true, cancellationToken);
    }

    private static SecureSocketOptions Security(SmtpOptions smtp) => smtp.Security.ToLowerInvariant() switch
    {
        "none" => SecureSocketOptions.None,
        "starttls" => SecureSocketOptions.StartTls,
        "sslonconnect" => SecureSocketOptions.SslOnConnect,
        _ => smtp.Port == 465 ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTlsWhenAvailable,
    };

    private static bool IsTransient(Exception ex) => ex switch
    {
        AuthenticationException => false,
        SmtpCommandException command => (int)command.StatusCode is >= 400 and < 500,
        SmtpProtocolException or ServiceNotConnectedException or IOException or SocketException or TimeoutException => true,
        _ => false,
    };

    private static string Scrub(string text, AlertsOptions options) =>
        string.IsNullOrEmpty(options.Smtp.Password) ? text : text.Replace(options.Smtp.Password, SecretScrubber.Redacted, StringComparison.Ordinal);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Alert {AlertId} ({Severity}) delivered by e-mail")]
    private static partial void LogDelivered(ILogger logger, Guid alertId, Contracts.AlertSeverity severity);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert {AlertId} could not be delivered by e-mail: {Error}")]
    private static partial void LogFailed(ILogger logger, Guid alertId, string error);
}

/// <summary>The log channel: always on, so a paper run without Slack or e-mail still shows its alerts.</summary>
public sealed partial class LogAlertChannel(IOptions<AlertsOptions> options, ILogger<LogAlertChannel> logger) : IAlertChannel
{
    public const string ChannelName = "log";

    public string Name => ChannelName;

    public bool IsConfigured => true;

    public AlertChannelOptions Options => options.Value.Channels.Log;

    public Task<ChannelResult> SendAsync(Alert alert, CancellationToken cancellationToken)
    {
        var count = alert.Count.ToString(CultureInfo.InvariantCulture);
        var fields = AlertText.OneLine(alert);
        switch (alert.Severity)
        {
            case Contracts.AlertSeverity.Critical:
                LogCritical(logger, alert.Title, alert.WhatToDo, fields, alert.CorrelationId, count, alert.Key);
                break;
            case Contracts.AlertSeverity.Warning:
                LogWarning(logger, alert.Title, alert.WhatToDo, fields, alert.CorrelationId, count, alert.Key);
                break;
            default:
                LogInfo(logger, alert.Title, alert.WhatToDo, fields, alert.CorrelationId, count, alert.Key);
                break;
        }

        return Task.FromResult(ChannelResult.Ok(Name));
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "ALERT CRITICAL {Title} | what to do: {WhatToDo} | {Fields} | correlation {CorrelationId} count {Count} key {AlertKey}")]
    private static partial void LogCritical(ILogger logger, string title, string whatToDo, string fields, Guid correlationId, string count, string alertKey);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ALERT WARNING {Title} | what to do: {WhatToDo} | {Fields} | correlation {CorrelationId} count {Count} key {AlertKey}")]
    private static partial void LogWarning(ILogger logger, string title, string whatToDo, string fields, Guid correlationId, string count, string alertKey);

    [LoggerMessage(Level = LogLevel.Information, Message = "ALERT INFO {Title} | what to do: {WhatToDo} | {Fields} | correlation {CorrelationId} count {Count} key {AlertKey}")]
    private static partial void LogInfo(ILogger logger, string title, string whatToDo, string fields, Guid correlationId, string count, string alertKey);
}
