using Xunit;

namespace CypherScoping.Deployment.Tests;

/// <summary>
/// Each check must fail when the invariant it guards is broken: a throw-away overlay on top of the paper overlay
/// breaks one thing, kubectl kustomize renders it, and the check must name the problem.
/// </summary>
public class ChecksCatchBreakageTests
{
    private static Rendered RenderOnPaper(string kustomization, IReadOnlyDictionary<string, string>? files = null)
    {
        using var overlay = new TempOverlay(RepoPaths.Overlay("paper"), kustomization, files);
        return overlay.Render();
    }

    private const string ExecutorPatchHeader = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: executor
        spec:
        """;

    [Fact]
    public void A_second_executor_replica_is_caught()
    {
        var rendered = RenderOnPaper("replicas:\n  - name: executor\n    count: 2\n");
        Assert.Contains(ManifestChecks.ExecutorProblems(rendered), p => p.Contains("exactly 1 replica", StringComparison.Ordinal));
    }

    [Fact]
    public void A_rolling_executor_update_is_caught()
    {
        var rendered = RenderOnPaper(
            "patches:\n  - path: executor.yaml\n",
            new Dictionary<string, string> { ["executor.yaml"] = ExecutorPatchHeader + "\n  strategy:\n    type: RollingUpdate\n" });
        Assert.Contains(ManifestChecks.ExecutorProblems(rendered), p => p.Contains("Recreate", StringComparison.Ordinal));
    }

    [Fact]
    public void Scaling_the_scanner_without_its_shard_count_is_caught()
    {
        var rendered = RenderOnPaper("replicas:\n  - name: scanner\n    count: 4\n");
        Assert.Contains(ManifestChecks.ScannerProblems(rendered), p => p.Contains("SCANNER_SHARD_COUNT=2 but replicas=4", StringComparison.Ordinal));
    }

    [Fact]
    public void A_fixed_shard_index_for_every_scanner_pod_is_caught()
    {
        var rendered = RenderOnPaper("configMapGenerator:\n  - name: cypher-config\n    behavior: merge\n    literals:\n      - SCANNER_SHARD_INDEX=0\n");
        Assert.Contains(ManifestChecks.ScannerProblems(rendered), p => p.Contains("SCANNER_SHARD_INDEX", StringComparison.Ordinal));
    }

    [Fact]
    public void A_live_overlay_with_pinned_limits_and_the_ramp_on_is_caught()
    {
        using var overlay = new TempOverlay(
            RepoPaths.Overlay("live-moderate"),
            "configMapGenerator:\n  - name: cypher-config\n    behavior: merge\n    literals:\n      - RISK_RAMP_ENABLED=true\n");
        Assert.Contains(ManifestChecks.RampProblems(overlay.Render()), p => p.Contains("MAX_EXPOSURE_RATIO", StringComparison.Ordinal));
    }

    [Fact]
    public void A_misspelled_configuration_key_is_caught()
    {
        var rendered = RenderOnPaper("configMapGenerator:\n  - name: cypher-config\n    behavior: merge\n    literals:\n      - MAX_EXPOSURE_RATO=0.5\n");
        Assert.Equal(["ConfigMap cypher-config: unknown key MAX_EXPOSURE_RATO"], ManifestChecks.UnknownKeys(rendered));
    }

    [Fact]
    public void Exchange_credentials_in_paper_are_caught()
    {
        using var overlay = new TempOverlay(RepoPaths.Overlay("paper"), string.Empty);
        var component = Path.GetRelativePath(overlay.Directory, Path.Combine(RepoPaths.K8s, "components", "exchange-credentials")).Replace('\\', '/');
        File.AppendAllText(Path.Combine(overlay.Directory, "kustomization.yaml"), $"components:\n  - {component}\n");
        var references = ManifestChecks.CredentialReferences(overlay.Render());
        Assert.Contains(references, r => r.Contains("Deployment/executor", StringComparison.Ordinal) && r.Contains("KUCOIN_API_SECRET", StringComparison.Ordinal));
    }

    [Fact]
    public void A_latest_image_is_caught()
    {
        var rendered = RenderOnPaper("images:\n  - name: cypherscoping/risk\n    newTag: latest\n");
        Assert.Contains(ManifestChecks.ImageProblems(rendered), p => p.Contains("Deployment/risk", StringComparison.Ordinal) && p.Contains(":latest", StringComparison.Ordinal));
    }

    [Fact]
    public void A_writable_root_filesystem_is_caught()
    {
        var rendered = RenderOnPaper(
            "patches:\n  - path: executor.yaml\n",
            new Dictionary<string, string>
            {
                ["executor.yaml"] = ExecutorPatchHeader + """

                      template:
                        spec:
                          containers:
                            - name: executor
                              securityContext:
                                readOnlyRootFilesystem: false
                    """,
            });
        Assert.Equal(["Deployment/executor container executor: readOnlyRootFilesystem must be true"], ManifestChecks.SecurityProblems(rendered));
    }

    [Fact]
    public void Egress_to_another_port_is_caught()
    {
        var rendered = RenderOnPaper(
            "patches:\n  - path: egress.yaml\n    target:\n      kind: NetworkPolicy\n      name: cypher-egress\n",
            new Dictionary<string, string>
            {
                ["egress.yaml"] = "- op: add\n  path: /spec/egress/-\n  value:\n    ports:\n      - { protocol: TCP, port: 25 }\n",
            });
        Assert.Contains(ManifestChecks.NetworkProblems(rendered), p => p.Contains("port 25", StringComparison.Ordinal));
    }

    [Fact]
    public void A_secret_value_in_the_config_map_is_caught()
    {
        var rendered = RenderOnPaper("configMapGenerator:\n  - name: cypher-config\n    behavior: merge\n    literals:\n      - RABBITMQ_URL=amqp://u:p@host:5672/\n");
        Assert.Contains(ManifestChecks.SecretValueProblems(rendered), p => p.Contains("RABBITMQ_URL", StringComparison.Ordinal));
    }

    [Fact]
    public void A_file_path_on_the_read_only_root_filesystem_is_caught()
    {
        var rendered = RenderOnPaper("configMapGenerator:\n  - name: cypher-config\n    behavior: merge\n    literals:\n      - IDEMPOTENCY_STORE_PATH=/var/lib/cypher/executor.db\n");
        Assert.Contains(ManifestChecks.WritablePathProblems(rendered), p => p.StartsWith("Deployment/executor container executor: IDEMPOTENCY_STORE_PATH", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("cypherscoping/risk:0.1.0", true)]
    [InlineData("ghcr.io/acme/cypherscoping/risk:1.2.3-rc.1", true)]
    [InlineData("registry:5000/cypherscoping/risk:1.2.3", true)]
    [InlineData("cypherscoping/risk@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", true)]
    [InlineData("cypherscoping/risk", false)]
    [InlineData("registry:5000/cypherscoping/risk", false)]
    [InlineData("cypherscoping/risk:latest", false)]
    [InlineData("cypherscoping/risk:main", false)]
    [InlineData("mcr.microsoft.com/dotnet/aspnet:10.0", false)]
    [InlineData("postgres:17.6-bookworm", true)]
    [InlineData("postgres:17", false)]
    [InlineData("rabbitmq:4.1-management", false)]
    public void Image_pinning_rule(string image, bool pinned) =>
        Assert.Equal(pinned, ManifestChecks.ImageProblem(image) is null);
}
