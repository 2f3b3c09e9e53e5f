using System.Collections;
using Microsoft.Extensions.Configuration;

namespace CypherScoping.Hosting;

/// <summary>
/// Loads configuration the way the operator writes it: a .env file (--env-file PATH, CYPHER_ENV_FILE, or .env in
/// the working directory) and environment variables, both with the flat keys of architecture §7 mapped onto
/// their sections. Precedence (low → high): appsettings, .env file, environment, explicit overrides.
/// </summary>
public static class CypherConfiguration
{
    public const string EnvFileKey = "env-file";

    /// <summary>Find the .env file to use: explicit path, CYPHER_ENV_FILE, or ./.env when present.</summary>
    public static string? ResolveEnvFile(string? explicitPath)
    {
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            return explicitPath;
        }

        var fromEnv = Environment.GetEnvironmentVariable("CYPHER_ENV_FILE");
        if (!string.IsNullOrWhiteSpace(fromEnv))
        {
            return fromEnv;
        }

        return File.Exists(".env") ? Path.GetFullPath(".env") : null;
    }

    /// <summary>Map flat keys to section paths; other keys pass through (with '__' read as ':').</summary>
    public static Dictionary<string, string?> MapFlatKeys(IEnumerable<KeyValuePair<string, string>> values)
    {
        var mapped = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in values)
        {
            var definition = Settings.FindFlat(key);
            if (definition is not null)
            {
                mapped[definition.Path] = Normalize(definition, value);
            }
            else if (key.Contains("__", StringComparison.Ordinal) || key.Contains(':', StringComparison.Ordinal))
            {
                mapped[key.Replace("__", ":", StringComparison.Ordinal)] = value;
            }
        }

        return mapped;
    }

    /// <summary>Add the .env file and flat-key environment variables to a configuration builder.</summary>
    public static IConfigurationBuilder AddCypherSources(this IConfigurationBuilder builder, string? envFile, IReadOnlyList<EnvFileError>? errorsSink = null)
    {
        if (envFile is not null)
        {
            if (!File.Exists(envFile))
            {
                throw new InvalidConfigurationException([$"env file '{envFile}' does not exist"]);
            }

            var (values, errors) = EnvFile.Load(envFile);
            if (errors.Count > 0)
            {
                throw new InvalidConfigurationException(errors.Select(e => $"{Path.GetFileName(envFile)} {e}").ToList());
            }

            builder.AddInMemoryCollection(MapFlatKeys(values));
        }

        var environment = Environment.GetEnvironmentVariables()
            .Cast<DictionaryEntry>()
            .Where(e => Settings.FindFlat((string)e.Key) is not null)
            .Select(e => new KeyValuePair<string, string>((string)e.Key, (string?)e.Value ?? string.Empty));
        builder.AddInMemoryCollection(MapFlatKeys(environment));
        builder.AddEnvironmentVariables();
        return builder;
    }

    /// <summary>Configuration for commands and tests: .env file + environment + overrides.</summary>
    public static IConfigurationRoot Build(string? envFile, IDictionary<string, string?>? overrides = null)
    {
        var builder = new ConfigurationBuilder().AddCypherSources(envFile);
        if (overrides is not null)
        {
            builder.AddInMemoryCollection(overrides);
        }

        return builder.Build();
    }

    private static string Normalize(SettingDefinition definition, string value)
    {
        var trimmed = value.Trim();
        if (definition.FlatKey == "MAX_DAILY_TRADES" && trimmed.Equals("unlimited", StringComparison.OrdinalIgnoreCase))
        {
            return string.Empty;
        }

        return trimmed;
    }
}

/// <summary>Configuration that cannot run: every problem listed (E_INVALID_CONFIG / E_MISSING_CREDENTIALS).</summary>
public sealed class InvalidConfigurationException : Exception
{
    public InvalidConfigurationException(IReadOnlyList<string> problems)
        : base(Format(problems)) => Problems = problems;

    public IReadOnlyList<string> Problems { get; }

    private static string Format(IReadOnlyList<string> problems) =>
        $"{Domain.ErrorCodes.InvalidConfig}: {problems.Count} configuration problem(s):{Environment.NewLine}" +
        string.Join(Environment.NewLine, problems.Select(p => "  - " + p));
}
