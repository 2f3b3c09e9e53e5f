using System.Text.RegularExpressions;

namespace CypherScoping.Deployment.Tests;

/// <summary>A Dockerfile as instructions (continuation lines joined, comments dropped), split into stages.</summary>
public sealed partial class DockerfileModel
{
    public DockerfileModel(string path)
    {
        Path = path;
        Name = System.IO.Path.GetFileName(path);
        var logical = new List<string>();
        var current = string.Empty;
        foreach (var raw in File.ReadAllLines(path))
        {
            var line = raw.TrimEnd();
            if (current.Length == 0 && line.TrimStart().StartsWith('#'))
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                current += line[..^1] + " ";
                continue;
            }

            current += line;
            if (current.Trim().Length > 0)
            {
                logical.Add(current.Trim());
            }

            current = string.Empty;
        }

        var stages = new List<List<(string Instruction, string Arguments)>>();
        foreach (var line in logical)
        {
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            var instruction = (space < 0 ? line : line[..space]).ToUpperInvariant();
            var arguments = space < 0 ? string.Empty : line[(space + 1)..].Trim();
            if (instruction == "FROM")
            {
                stages.Add([]);
            }

            if (stages.Count == 0)
            {
                continue; // ARG before FROM
            }

            stages[^1].Add((instruction, arguments));
        }

        Stages = stages;
    }

    public string Path { get; }

    public string Name { get; }

    public IReadOnlyList<List<(string Instruction, string Arguments)>> Stages { get; }

    public IReadOnlyList<(string Instruction, string Arguments)> Final => Stages[^1];

    [GeneratedRegex(@"^(--platform=\S+\s+)?(?<image>\S+)(\s+AS\s+(?<alias>\S+))?$", RegexOptions.IgnoreCase)]
    private static partial Regex FromLine();

    /// <summary>(image, alias) per stage.</summary>
    public IReadOnlyList<(string Image, string? Alias)> Froms =>
        Stages.Select(stage =>
        {
            var match = FromLine().Match(stage[0].Arguments);
            return (match.Groups["image"].Value, match.Groups["alias"].Success ? match.Groups["alias"].Value : null);
        }).ToList();

    public IEnumerable<string> FinalArguments(string instruction) =>
        Final.Where(i => i.Instruction == instruction).Select(i => i.Arguments);

    /// <summary>ENV keys and values of the final stage (KEY=VALUE pairs; quotes removed).</summary>
    public IReadOnlyDictionary<string, string> FinalEnvironment()
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var args in FinalArguments("ENV"))
        {
            foreach (Match m in EnvPair().Matches(args))
            {
                result[m.Groups["key"].Value] = m.Groups["value"].Value.Trim('"');
            }
        }

        return result;
    }

    [GeneratedRegex(@"(?<key>[A-Za-z_][A-Za-z0-9_]*)=(?<value>""[^""]*""|\S*)")]
    private static partial Regex EnvPair();
}
