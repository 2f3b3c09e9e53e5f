using CypherScoping.Alerts.Channels;
using CypherScoping.Alerts.Consumers;
using CypherScoping.Alerts.Data;
using CypherScoping.Alerts.Domain;
using CypherScoping.Alerts.Workers;
using CypherScoping.Messaging;
using CypherScoping.Persistence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CypherScoping.Alerts;

/// <summary>Registers the Alerts service: options, domain, data, consumers and workers. Reused by tests and the CLI.</summary>
public static class AlertsRegistration
{
    public const string ServiceName = "alerts";

    public static IHostApplicationBuilder AddAlerts(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase(ServiceName, typeof(AlertsRegistration).Assembly);
        builder.Services.AddAlertChannels(builder.Configuration);
        builder.Services.TryAddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<AlertsOptions>>().Value;
            return new AlertRules(new AlertRuleSettings(o.ExchangeErrorBurstCount, TimeSpan.FromSeconds(o.ExchangeErrorBurstWindowSeconds)));
        });
        builder.Services.TryAddSingleton<AlertStore>();
        builder.Services.TryAddSingleton<AlertDispatcher>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IBackgroundWork, AlertDispatcher>(sp => sp.GetRequiredService<AlertDispatcher>()));
        builder.Services.AddHostedService<AlertDeliveryWorker>();
        builder.Services.AddCypherConsumer<AlertEventsConsumer>(ServiceName);
        return builder;
    }

    /// <summary>
    /// Options (validated at start) and the channels (Slack with its resilient HttpClient, e-mail, log) and the
    /// direct <see cref="AlertSender"/>. Needs no database: the CLI uses it for `cypher alert test`.
    /// </summary>
    public static IServiceCollection AddAlertChannels(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(d => d.ServiceType == typeof(AlertSender)))
        {
            return services;
        }

        services.AddOptions<AlertsOptions>().Bind(configuration.GetSection(AlertsOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AlertsOptions>, AlertsOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddLogging();

        // The webhook URL is a secret: no HttpClient request logging on this client (it would log the URI).
        services.AddHttpClient(SlackAlertChannel.HttpClientName, client => client.Timeout = TimeSpan.FromMinutes(5))
            .RemoveAllLoggers()
            .AddResilienceHandler("slack", (pipeline, context) =>
            {
                var retry = context.ServiceProvider.GetRequiredService<IOptions<AlertsOptions>>().Value.Retry;
                SlackAlertChannel.ConfigureResilience(pipeline, retry, context.ServiceProvider.GetRequiredService<TimeProvider>());
            });

        services.AddSingleton<IAlertChannel, SlackAlertChannel>();
        services.AddSingleton<IAlertChannel, EmailAlertChannel>();
        services.AddSingleton<IAlertChannel, LogAlertChannel>();
        services.AddSingleton<AlertSender>();
        return services;
    }
}
