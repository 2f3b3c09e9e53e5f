namespace CypherScoping.Deployment.Tests;

/// <summary>Paths inside the repository, found by walking up from the test's base directory to CypherScoping.sln.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> RootLazy = new(FindRoot);

    public static string Root => RootLazy.Value;

    public static string K8s => Path.Combine(Root, "k8s");

    public static string Base => Path.Combine(K8s, "base");

    public static string Overlay(string phase) => Path.Combine(K8s, "overlays", phase);

    public static string Compose => Path.Combine(Root, "docker-compose.yml");

    public static string Docker => Path.Combine(Root, "docker");

    public static string File(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "CypherScoping.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"CypherScoping.sln not found above {AppContext.BaseDirectory}: run the tests from the repository.");
    }
}
