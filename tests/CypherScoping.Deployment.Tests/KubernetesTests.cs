using System.Globalization;
using CypherScoping.Hosting;
using Microsoft.Extensions.Configuration;
using Xunit;
using YamlDotNet.RepresentationModel;

namespace CypherScoping.Deployment.Tests;

/// <summary>The rendered overlays (kubectl kustomize) against architecture §8 and §13.</summary>
public class KubernetesTests
{
    public static readonly string[] Phases = ["paper", "live-conservative", "live-moderate", "live-normal"];

    /// <summary>Architecture §8, one row per profile (day-1 values for live-conservative: 3 trades, every trade approved).</summary>
    public static readonly TheoryData<string, string, string, string, string, string, string, string> PhaseTable = new()
    {
        // phase, mode, exposure, risk/trade, breaker, max leverage, daily trades, manual approval
        { "paper", "paper", "0.8", "0.02", "0.15", "5", "unlimited", "false" },
        { "live-conservative", "live", "0.5", "0.01", "0.10", "5", "3", "true" },
        { "live-moderate", "live", "0.65", "0.015", "0.10", "10", "30", "false" },
        { "live-normal", "live", "0.8", "0.02", "0.15", "10", "unlimited", "false" },
    };

    public static TheoryData<string> Overlays() => new(Phases);

    public static TheoryData<string> LiveOverlays() => new(Phases.Where(p => p != "paper"));

    public static TheoryData<string> AllKustomizations() => new(Phases.Select(p => "overlays/" + p).Append("base"));

    private static Rendered Overlay(string phase) => Kustomize.Render(RepoPaths.Overlay(phase));

    [Fact]
    public void Kubectl_is_available_or_the_tests_say_how_to_install_it()
    {
        var kubectl = Kustomize.FindKubectl();
        Assert.True(File.Exists(kubectl), Kustomize.InstallHint);
    }

    [Theory]
    [MemberData(nameof(AllKustomizations))]
    public void Every_kustomization_renders_the_whole_system(string directory)
    {
        var rendered = Kustomize.Render(Path.Combine(RepoPaths.K8s, directory));
        var kinds = rendered.Objects.Select(o => $"{o.Str("kind")}/{o.Str("metadata", "name")}").ToHashSet();
        foreach (var expected in new[]
                 {
                     "Namespace/cypherscoping", "StatefulSet/scanner", "Deployment/risk", "Deployment/executor", "Deployment/auditor",
                     "Deployment/alerts", "Service/scanner", "Service/risk", "Service/executor", "Service/auditor", "Service/alerts",
                     "NetworkPolicy/cypher-egress",
                 })
        {
            Assert.Contains(expected, kinds);
        }

        Assert.Single(rendered.OfKind("ConfigMap"));
    }

    [Theory]
    [MemberData(nameof(PhaseTable))]
    public void Overlay_carries_the_phase_values_of_architecture_8(
        string phase, string mode, string exposure, string riskPerTrade, string breaker, string leverage, string dailyTrades, string approval)
    {
        var config = Overlay(phase).Config;
        Assert.Equal(phase, config["RISK_PROFILE"]);
        Assert.Equal(mode, config["TRADING_MODE"]);
        AssertNumber(exposure, config, "MAX_EXPOSURE_RATIO");
        AssertNumber(riskPerTrade, config, "MAX_RISK_PER_TRADE");
        AssertNumber(breaker, config, "CIRCUIT_BREAKER_THRESHOLD");
        AssertNumber(leverage, config, "MAX_LEVERAGE");
        Assert.Equal(dailyTrades, config["MAX_DAILY_TRADES"]);
        Assert.Equal(approval, config["REQUIRE_MANUAL_APPROVAL"]);
        Assert.True(decimal.Parse(config["MAX_LEVERAGE"], CultureInfo.InvariantCulture) <= Settings.HardMaxLeverage);

        // The phase label is on every object and pod template (so `kubectl get all -l cypherscoping.io/phase=...` finds them).
        var rendered = Overlay(phase);
        Assert.All(rendered.Objects, o => Assert.Equal(phase, o.Str("metadata", "labels", "cypherscoping.io/phase")));
        Assert.All(rendered.Workloads, w => Assert.Equal(phase, w.Str("spec", "template", "metadata", "labels", "cypherscoping.io/phase")));
    }

    private static void AssertNumber(string expected, IReadOnlyDictionary<string, string> config, string key)
    {
        Assert.True(config.TryGetValue(key, out var actual), $"{key} missing from the ConfigMap");
        Assert.True(
            decimal.Parse(expected, CultureInfo.InvariantCulture) == decimal.Parse(actual!, CultureInfo.InvariantCulture),
            $"{key}: expected {expected}, found {actual}");
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Pinned_live_limits_switch_the_ramp_off(string phase)
    {
        var rendered = Overlay(phase);
        Assert.Empty(ManifestChecks.RampProblems(rendered));
        if (phase != "paper")
        {
            Assert.Equal("false", rendered.Config["RISK_RAMP_ENABLED"]);
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Exactly_one_executor_replica_with_the_Recreate_strategy(string phase) =>
        Assert.Empty(ManifestChecks.ExecutorProblems(Overlay(phase)));

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Scanner_is_a_StatefulSet_whose_shard_count_equals_its_replicas(string phase) =>
        Assert.Empty(ManifestChecks.ScannerProblems(Overlay(phase)));

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_container_runs_non_root_read_only_without_capabilities(string phase) =>
        Assert.Empty(ManifestChecks.SecurityProblems(Overlay(phase)));

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_image_tag_is_pinned(string phase)
    {
        var rendered = Overlay(phase);
        Assert.Empty(ManifestChecks.ImageProblems(rendered));
        Assert.DoesNotContain(":latest", rendered.Text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Paper_references_no_exchange_credentials()
    {
        var rendered = Overlay("paper");
        Assert.Empty(ManifestChecks.CredentialReferences(rendered));
        foreach (var key in ManifestChecks.CredentialKeys.Append(ManifestChecks.ExchangeSecret))
        {
            Assert.DoesNotContain(key, rendered.Text, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Theory]
    [MemberData(nameof(LiveOverlays))]
    public void Live_overlays_take_the_credentials_from_the_exchange_secret_in_every_service(string phase)
    {
        var rendered = Overlay(phase);
        foreach (var name in ManifestChecks.ServiceNames)
        {
            var container = rendered.Workloads.Single(w => w.Str("metadata", "name") == name).Items("spec", "template", "spec", "containers")[0];
            foreach (var key in ManifestChecks.CredentialKeys)
            {
                var env = container.Items("env").SingleOrDefault(e => e.Str("name") == key);
                Assert.True(env is not null, $"{phase}: {name} lacks {key} (live mode refuses to start without it)");
                Assert.Equal(ManifestChecks.ExchangeSecret, env.Str("valueFrom", "secretKeyRef", "name"));
                Assert.Equal(key, env.Str("valueFrom", "secretKeyRef", "key"));
                Assert.NotEqual("true", env.Str("valueFrom", "secretKeyRef", "optional"));
            }
        }
    }

    [Theory]
    [MemberData(nameof(AllKustomizations))]
    public void Secrets_are_referenced_never_written_into_the_manifests(string directory) =>
        Assert.Empty(ManifestChecks.SecretValueProblems(Kustomize.Render(Path.Combine(RepoPaths.K8s, directory))));

    [Theory]
    [MemberData(nameof(AllKustomizations))]
    public void Every_configuration_key_in_the_manifests_is_known(string directory) =>
        Assert.Empty(ManifestChecks.UnknownKeys(Kustomize.Render(Path.Combine(RepoPaths.K8s, directory))));

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_service_passes_the_start_up_configuration_check(string phase)
    {
        var rendered = Overlay(phase);
        foreach (var (workload, container) in ManifestChecks.Containers(rendered))
        {
            var values = ManifestChecks.EffectiveEnvironment(rendered, container);
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(CypherConfiguration.MapFlatKeys(values)).Build();
            var report = ConfigCheck.Validate(configuration);
            Assert.True(report.IsValid, $"{phase} {ManifestChecks.Describe(workload, container)} would refuse to start:{Environment.NewLine}{string.Join(Environment.NewLine, report.Errors)}");
            Assert.Equal("rabbitmq", configuration["Messaging:Transport"]?.ToLowerInvariant());
            Assert.False(string.IsNullOrEmpty(configuration["ConnectionStrings:Postgres"]), "POSTGRES_CONNECTION must be set (else the service would use an embedded SQLite file)");
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_configured_file_path_is_on_a_writable_volume(string phase) =>
        Assert.Empty(ManifestChecks.WritablePathProblems(Overlay(phase)));

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Services_have_probes_resources_budgets_and_a_service(string phase) =>
        Assert.Empty(ManifestChecks.OperabilityProblems(Overlay(phase)));

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Egress_is_limited_to_dns_broker_database_and_the_exchange(string phase) =>
        Assert.Empty(ManifestChecks.NetworkProblems(Overlay(phase)));

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Everything_lives_in_the_cypherscoping_namespace(string phase) =>
        Assert.Empty(ManifestChecks.NamespaceProblems(Overlay(phase)));

    [Fact]
    public void Overlays_differ_only_in_values_so_promotion_applies_in_place()
    {
        static string Key(YamlMappingNode o) =>
            $"{o.Str("kind")}/{(o.Str("kind") == "ConfigMap" ? "cypher-config" : o.Str("metadata", "name"))}";

        var paper = Overlay("paper");
        var paperObjects = paper.Objects.Select(Key).Order().ToList();
        foreach (var phase in Phases.Skip(1))
        {
            var other = Overlay(phase);
            Assert.Equal(paperObjects, other.Objects.Select(Key).Order().ToList());
            foreach (var workload in paper.Workloads)
            {
                var twin = other.Single(workload.Str("kind")!, workload.Str("metadata", "name")!);
                // Selectors are immutable: a changed selector would make `kubectl apply` of the next phase fail.
                Assert.Equal(
                    workload.Entries("spec", "selector", "matchLabels").Select(kv => kv.Key + "=" + kv.Value).Order(),
                    twin.Entries("spec", "selector", "matchLabels").Select(kv => kv.Key + "=" + kv.Value).Order());
            }
        }
    }

    [Fact]
    public void The_cli_deployment_is_idle_until_an_operator_scales_it()
    {
        var cli = Overlay("paper").Single("Deployment", "cypher-cli");
        Assert.Equal("0", cli.Str("spec", "replicas"));
    }
}
