using Microsoft.Extensions.Hosting;

namespace CypherScoping.Alerts;

/// <summary>Registers the Alerts service: options, domain, data, consumers and workers. Reused by tests and the CLI.</summary>
public static class AlertsRegistration
{
    public const string ServiceName = "alerts";

    public static IHostApplicationBuilder AddAlerts(this IHostApplicationBuilder builder)
    {
        return builder;
    }
}
