using Microsoft.Extensions.Hosting;

namespace CypherScoping.Scanner;

/// <summary>Registers the Scanner service: options, domain, data, consumers and workers. Reused by tests and the CLI.</summary>
public static class ScannerRegistration
{
    public const string ServiceName = "scanner";

    public static IHostApplicationBuilder AddScanner(this IHostApplicationBuilder builder)
    {
        return builder;
    }
}
