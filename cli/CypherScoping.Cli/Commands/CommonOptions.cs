using System.CommandLine;
using CypherScoping.Hosting;
using CypherScoping.Messaging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CypherScoping.Cli.Commands;

/// <summary>Options every command shares, and the configuration they load.</summary>
public static class CommonOptions
{
    public static readonly Option<string?> EnvFile = new("--env-file") { Description = "operator .env file (default: ./.env when present)", Recursive = true };

    public static readonly Option<bool> Json = new("--json") { Description = "machine-readable output" };

    public static void AddGlobal(RootCommand root) => root.Options.Add(EnvFile);

    /// <summary>Configuration as the services see it: .env file (flat keys mapped) + environment.</summary>
    public static IConfigurationRoot LoadConfiguration(ParseResult parse, IDictionary<string, string?>? overrides = null) =>
        CypherConfiguration.Build(CypherConfiguration.ResolveEnvFile(parse.GetValue(EnvFile)), overrides);
}

/// <summary>Exit codes, documented in the README.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int InvalidConfig = 2;
    public const int GateFailed = 3;
    public const int Unreachable = 4;
}

/// <summary>Commands that talk to the running services (rollback, flatten): a short-lived bus client on RabbitMQ.</summary>
public static class CliBus
{
    public static async Task<int> RunAsync(IConfiguration configuration, string command, Func<MassTransit.IBus, CancellationToken, Task<int>> action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(action);
        if (!string.Equals(configuration["Messaging:Transport"], "RabbitMq", StringComparison.OrdinalIgnoreCase))
        {
            await Console.Error.WriteLineAsync(
                $"{command} talks to the running services over RabbitMQ (MESSAGING_TRANSPORT=RabbitMq, RABBITMQ_URL). " +
                "An embedded `cypher paper` run stops with Ctrl-C; without the broker use `cypher halt --reason …` and `cypher flatten --direct`.");
            return ExitCodes.Unreachable;
        }

        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new Microsoft.Extensions.Hosting.HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddConfiguration(configuration);
        builder.AddServiceDefaults("cli");
        builder.AddCypherMessaging();
        using var host = builder.Build();
        await host.StartAsync(cancellationToken);
        try
        {
            return await action(host.Services.GetRequiredService<MassTransit.IBus>(), cancellationToken);
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }
}
