using CypherScoping.Alerts.Channels;
using CypherScoping.Alerts.Domain;
using CypherScoping.Contracts;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CypherScoping.Alerts;

/// <summary>
/// Send alerts from outside the Alerts service (the CLI's `cypher alert test`, the rollback command): every
/// configured channel, right now, no queue and no throttle, one result per channel. Never throws for a failed
/// delivery; throws <see cref="OptionsValidationException"/> when the alert settings are invalid.
/// </summary>
public static class AlertsClient
{
    /// <summary>A ready-made alert for operator commands.</summary>
    public static Alert Create(AlertSeverity severity, string title, string whatToDo, IReadOnlyList<AlertField>? fields = null, Guid? correlationId = null, string source = "operator", TimeProvider? time = null) => new()
    {
        Key = $"{source}:{Guid.NewGuid():N}",
        Severity = severity,
        Title = title,
        WhatToDo = whatToDo,
        Fields = fields ?? [],
        CorrelationId = correlationId ?? Guid.NewGuid(),
        OccurredAt = (time ?? TimeProvider.System).GetUtcNow(),
        Source = source,
    };

    public static async Task<IReadOnlyList<ChannelResult>> SendAsync(IConfiguration configuration, Alert alert, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        var services = new ServiceCollection();
        if (loggerFactory is not null)
        {
            services.AddSingleton(loggerFactory);
        }

        services.AddAlertChannels(configuration);
        await using var provider = services.BuildServiceProvider();
        _ = provider.GetRequiredService<IOptions<AlertsOptions>>().Value; // validate now, listing every problem
        return await provider.GetRequiredService<AlertSender>().SendToAllAsync(alert, cancellationToken);
    }

    /// <summary>`cypher alert test`: one test alert through every configured channel.</summary>
    public static Task<IReadOnlyList<ChannelResult>> SendTestAsync(IConfiguration configuration, AlertSeverity severity, string message, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default) =>
        SendAsync(
            configuration,
            Create(severity, $"Test alert: {message}", "Nothing: this is a test sent by `cypher alert test`.", [new AlertField("Sent by", "cypher alert test"), new AlertField("Host", Environment.MachineName)], source: "test"),
            loggerFactory,
            cancellationToken);
}
