using Microsoft.Extensions.Hosting;

namespace CypherScoping.Auditor;

/// <summary>Registers the Auditor service: options, domain, data, consumers and workers. Reused by tests and the CLI.</summary>
public static class AuditorRegistration
{
    public const string ServiceName = "auditor";

    public static IHostApplicationBuilder AddAuditor(this IHostApplicationBuilder builder)
    {
        return builder;
    }
}
