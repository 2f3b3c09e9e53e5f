using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace CypherScoping.Deployment.Tests;

/// <summary>Small navigation helpers over YamlDotNet's representation model.</summary>
public static class Yaml
{
    /// <summary>Every non-empty document of a (multi-document) YAML text; merge keys (&lt;&lt;: *anchor) resolved when asked.</summary>
    public static IReadOnlyList<YamlMappingNode> LoadAll(string text, bool resolveMergeKeys = false)
    {
        var stream = new YamlStream();
        using var reader = new StringReader(text);
        IParser parser = new Parser(reader);
        if (resolveMergeKeys)
        {
            parser = new MergingParser(parser);
        }

        stream.Load(parser);
        return stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>().ToList();
    }

    public static YamlNode? Get(this YamlNode? node, params string[] path)
    {
        var current = node;
        foreach (var key in path)
        {
            if (current is not YamlMappingNode map || !map.Children.TryGetValue(new YamlScalarNode(key), out var next))
            {
                return null;
            }

            current = next;
        }

        return current;
    }

    public static string? Str(this YamlNode? node, params string[] path) => (node.Get(path) as YamlScalarNode)?.Value;

    public static IReadOnlyList<YamlNode> Items(this YamlNode? node, params string[] path) =>
        node.Get(path) is YamlSequenceNode seq ? seq.Children.ToList() : [];

    public static IReadOnlyList<KeyValuePair<string, YamlNode>> Entries(this YamlNode? node, params string[] path) =>
        node.Get(path) is YamlMappingNode map
            ? map.Children.Select(kv => new KeyValuePair<string, YamlNode>(((YamlScalarNode)kv.Key).Value ?? string.Empty, kv.Value)).ToList()
            : [];

    public static bool Has(this YamlNode? node, params string[] path) => node.Get(path) is not null;
}
