using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace CypherScoping.Deployment.Tests;

/// <summary>docker-compose.yml parsed (merge keys resolved), with compose's ${...} interpolation reproduced.</summary>
public sealed partial class ComposeFile
{
    public static readonly string[] Infrastructure = ["rabbitmq", "postgres"];

    public static readonly string[] RequiredServices = ["rabbitmq", "postgres", "scanner", "risk", "executor", "auditor", "alerts"];

    /// <summary>Variables compose itself uses (servers, image tag, profiles); not read by the services.</summary>
    public static readonly HashSet<string> ComposeVariables = new(StringComparer.Ordinal)
    {
        "POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB", "POSTGRES_PORT",
        "RABBITMQ_DEFAULT_USER", "RABBITMQ_DEFAULT_PASS", "RABBITMQ_PORT", "RABBITMQ_MANAGEMENT_PORT",
        "CYPHER_IMAGE_TAG", "COMPOSE_PROFILES",
    };

    public ComposeFile(string text)
    {
        Text = text;
        var documents = Yaml.LoadAll(text, resolveMergeKeys: true);
        Root = documents.Count == 1 ? documents[0] : throw new Xunit.Sdk.XunitException($"docker-compose.yml: expected one YAML document, found {documents.Count}");
    }

    public static ComposeFile Load() => new(File.ReadAllText(RepoPaths.Compose));

    public string Text { get; }

    public YamlMappingNode Root { get; }

    public IReadOnlyDictionary<string, YamlNode> Services =>
        Root.Entries("services").ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);

    /// <summary>The CypherScoping containers (everything that is not RabbitMQ or PostgreSQL).</summary>
    public IEnumerable<KeyValuePair<string, YamlNode>> CypherServices => Services.Where(kv => !Infrastructure.Contains(kv.Key));

    public static IReadOnlyDictionary<string, string> Environment(YamlNode service)
    {
        var env = service.Get("environment");
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (env is YamlMappingNode)
        {
            foreach (var (key, value) in env.Entries())
            {
                result[key] = (value as YamlScalarNode)?.Value ?? string.Empty;
            }
        }
        else
        {
            foreach (var item in env.Items())
            {
                var text = (item as YamlScalarNode)?.Value ?? string.Empty;
                var eq = text.IndexOf('=', StringComparison.Ordinal);
                result[eq < 0 ? text : text[..eq]] = eq < 0 ? string.Empty : text[(eq + 1)..];
            }
        }

        return result;
    }

    [GeneratedRegex(@"\$\$|\$\{(?<name>[A-Za-z_][A-Za-z0-9_]*)(?<op>:-|-|:\?|\?)?(?<arg>[^}]*)\}|\$(?<bare>[A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex Interpolation();

    /// <summary>Every variable the file interpolates (${NAME...} or $NAME; $$ is a literal dollar).</summary>
    public IReadOnlySet<string> InterpolatedVariables() =>
        Interpolation().Matches(Text).Where(m => m.Value != "$$")
            .Select(m => m.Groups["name"].Success ? m.Groups["name"].Value : m.Groups["bare"].Value)
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>Compose's interpolation: ${X}, ${X:-default}, ${X-default}, ${X:?error}, ${X?error}, $$.</summary>
    public static string Interpolate(string value, IReadOnlyDictionary<string, string> variables) =>
        Interpolation().Replace(value, m =>
        {
            if (m.Value == "$$")
            {
                return "$";
            }

            var name = m.Groups["name"].Success ? m.Groups["name"].Value : m.Groups["bare"].Value;
            var found = variables.TryGetValue(name, out var v);
            var op = m.Groups["op"].Value;
            var arg = m.Groups["arg"].Value;
            return op switch
            {
                ":-" => found && v!.Length > 0 ? v : arg,
                "-" => found ? v! : arg,
                ":?" or "?" when !found || (op == ":?" && v!.Length == 0) => throw new Xunit.Sdk.XunitException($"compose would refuse: {name}: {arg}"),
                _ => found ? v! : string.Empty,
            };
        });
}
