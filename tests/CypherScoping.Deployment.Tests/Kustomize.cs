using System.Collections.Concurrent;
using System.Diagnostics;
using YamlDotNet.RepresentationModel;

namespace CypherScoping.Deployment.Tests;

/// <summary>The objects `kubectl kustomize DIR` renders, with lookups by kind and name.</summary>
public sealed class Rendered
{
    public Rendered(string source, string text)
    {
        Source = source;
        Text = text;
        Objects = Yaml.LoadAll(text);
    }

    public string Source { get; }

    public string Text { get; }

    public IReadOnlyList<YamlMappingNode> Objects { get; }

    public IEnumerable<YamlMappingNode> OfKind(string kind) => Objects.Where(o => o.Str("kind") == kind);

    public YamlMappingNode? Find(string kind, string name) => OfKind(kind).FirstOrDefault(o => o.Str("metadata", "name") == name);

    public YamlMappingNode Single(string kind, string name) =>
        Find(kind, name) ?? throw new Xunit.Sdk.XunitException($"{Source}: no {kind} named '{name}' in the rendered manifests");

    /// <summary>Deployments and StatefulSets (and anything else with a pod template).</summary>
    public IEnumerable<YamlMappingNode> Workloads => Objects.Where(o => o.Has("spec", "template", "spec", "containers"));

    /// <summary>The ConfigMap generated as cypher-config (its name carries a hash suffix).</summary>
    public IReadOnlyDictionary<string, string> Config
    {
        get
        {
            var maps = OfKind("ConfigMap").Where(o => (o.Str("metadata", "name") ?? string.Empty).StartsWith("cypher-config", StringComparison.Ordinal)).ToList();
            if (maps.Count != 1)
            {
                throw new Xunit.Sdk.XunitException($"{Source}: expected exactly one cypher-config ConfigMap, found {maps.Count}");
            }

            return maps[0].Entries("data").ToDictionary(kv => kv.Key, kv => ((YamlScalarNode)kv.Value).Value ?? string.Empty, StringComparer.Ordinal);
        }
    }
}

/// <summary>Runs `kubectl kustomize` (cached per directory; bounded in time).</summary>
public static class Kustomize
{
    public const string InstallHint =
        "kubectl is required: the deployment tests render the k8s overlays with `kubectl kustomize` and never skip. " +
        "Install it (https://kubernetes.io/docs/tasks/tools/install-kubectl-linux/): " +
        "curl -LO \"https://dl.k8s.io/release/$(curl -Ls https://dl.k8s.io/release/stable.txt)/bin/linux/amd64/kubectl\" && " +
        "install -m 0755 kubectl /usr/local/bin/kubectl  (or `apt-get install kubectl` from pkgs.k8s.io), " +
        "or set KUBECTL to the path of a kubectl binary.";

    private static readonly ConcurrentDictionary<string, Lazy<Rendered>> Cache = new(StringComparer.Ordinal);

    public static Rendered Render(string directory) =>
        Cache.GetOrAdd(Path.GetFullPath(directory), dir => new Lazy<Rendered>(() => RenderUncached(dir))).Value;

    public static Rendered RenderUncached(string directory)
    {
        var kubectl = FindKubectl();
        var start = new ProcessStartInfo(kubectl)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("kustomize");
        start.ArgumentList.Add(directory);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {kubectl}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            process.Kill(entireProcessTree: true);
            throw new Xunit.Sdk.XunitException($"kubectl kustomize {directory} did not finish within 120 s");
        }

        var output = stdout.GetAwaiter().GetResult();
        var errors = stderr.GetAwaiter().GetResult();
        if (process.ExitCode != 0)
        {
            throw new Xunit.Sdk.XunitException($"kubectl kustomize {directory} failed (exit {process.ExitCode}):{Environment.NewLine}{errors}");
        }

        return new Rendered(Path.GetRelativePath(RepoPaths.Root, directory), output);
    }

    public static string FindKubectl()
    {
        var explicitPath = Environment.GetEnvironmentVariable("KUBECTL");
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            return File.Exists(explicitPath)
                ? explicitPath
                : throw new Xunit.Sdk.XunitException($"KUBECTL={explicitPath} does not exist. {InstallHint}");
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var name in new[] { "kubectl", "kubectl.exe" })
            {
                var candidate = Path.Combine(dir, name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new Xunit.Sdk.XunitException($"kubectl not found on PATH. {InstallHint}");
    }
}

/// <summary>A throw-away kustomization beside the real ones (under the system temp directory), for tests that prove a check fails.</summary>
public sealed class TempOverlay : IDisposable
{
    public TempOverlay(string baseDirectory, string kustomizationBody, IReadOnlyDictionary<string, string>? files = null)
    {
        Directory = Path.Combine(Path.GetTempPath(), "cypher-kustomize-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        var relative = Path.GetRelativePath(Directory, baseDirectory).Replace('\\', '/');
        File.WriteAllText(Path.Combine(Directory, "kustomization.yaml"), $"resources:\n  - {relative}\n{kustomizationBody}");
        foreach (var (name, content) in files ?? new Dictionary<string, string>())
        {
            File.WriteAllText(Path.Combine(Directory, name), content);
        }
    }

    public string Directory { get; }

    public Rendered Render() => Kustomize.RenderUncached(Directory);

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // best effort: a temp directory left behind harms nothing
        }
    }
}
