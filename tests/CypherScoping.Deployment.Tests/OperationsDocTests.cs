using System.Text.RegularExpressions;
using Xunit;

namespace CypherScoping.Deployment.Tests;

/// <summary>docs/operations.md stays true to the manifests: the commands it gives name objects and secrets that exist.</summary>
public partial class OperationsDocTests
{
    private static readonly string Doc = File.ReadAllText(RepoPaths.File("docs", "operations.md"));

    [Theory]
    [InlineData("kubectl -n cypherscoping scale deployment/executor --replicas=0")]
    [InlineData("kubectl -n cypherscoping scale deployment/executor --replicas=1")]
    [InlineData("cypher rollback --scale-executor-to-zero --namespace cypherscoping")]
    [InlineData("cypher resume")]
    [InlineData("cypher health")]
    [InlineData("cypher gate paper")]
    [InlineData("cypher dashboard")]
    [InlineData("cypher flatten --direct")]
    [InlineData("cypher audit tail --type message_fault")]
    [InlineData("kubectl apply -k k8s/overlays/paper")]
    [InlineData("kubectl apply -k k8s/overlays/live-conservative")]
    [InlineData("k8s/overlays/live-moderate")]
    [InlineData("k8s/overlays/live-normal")]
    [InlineData("docker compose up -d --build")]
    public void Documents_the_command(string command) => Assert.Contains(command, Doc, StringComparison.Ordinal);

    [GeneratedRegex(@"(deployment|statefulset|deploy)/(?<name>[a-z0-9-]+)")]
    private static partial Regex WorkloadReference();

    [Fact]
    public void Every_workload_the_doc_names_exists()
    {
        var rendered = Kustomize.Render(RepoPaths.Overlay("paper"));
        var names = rendered.Workloads.Select(w => w.Str("metadata", "name")).ToHashSet();
        var referenced = WorkloadReference().Matches(Doc).Select(m => m.Groups["name"].Value).Distinct().ToList();
        Assert.NotEmpty(referenced);
        Assert.All(referenced, name => Assert.Contains(name, names));
    }

    [Fact]
    public void Every_secret_and_key_the_manifests_reference_is_documented()
    {
        foreach (var phase in KubernetesTests.Phases)
        {
            foreach (var (_, container) in ManifestChecks.Containers(Kustomize.Render(RepoPaths.Overlay(phase))))
            {
                foreach (var env in container.Items("env"))
                {
                    if (env.Get("valueFrom", "secretKeyRef") is { } secret)
                    {
                        Assert.Contains($"secret generic {secret.Str("name")}", Doc, StringComparison.Ordinal);
                        Assert.Contains(secret.Str("key")!, Doc, StringComparison.Ordinal);
                    }
                }
            }
        }
    }
}
