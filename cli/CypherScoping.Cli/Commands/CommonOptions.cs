using System.CommandLine;
using CypherScoping.Hosting;
using Microsoft.Extensions.Configuration;

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
