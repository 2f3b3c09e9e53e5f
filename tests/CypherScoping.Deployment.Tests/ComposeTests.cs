using CypherScoping.Hosting;
using Microsoft.Extensions.Configuration;
using Xunit;
using YamlDotNet.RepresentationModel;

namespace CypherScoping.Deployment.Tests;

/// <summary>docker-compose.yml and the .env example it documents.</summary>
public class ComposeTests
{
    private static readonly ComposeFile Compose = ComposeFile.Load();

    private static IReadOnlyDictionary<string, string> ExampleEnv()
    {
        var (values, errors) = EnvFile.Load(Path.Combine(RepoPaths.Docker, "env.example"));
        Assert.Empty(errors);
        return values;
    }

    [Fact]
    public void Declares_the_seven_services_each_with_a_health_check()
    {
        var services = Compose.Services;
        foreach (var name in ComposeFile.RequiredServices)
        {
            Assert.True(services.ContainsKey(name), $"docker-compose.yml lacks the {name} service");
            var test = services[name].Get("healthcheck", "test");
            Assert.True(test is YamlSequenceNode { Children.Count: > 1 } || test is YamlScalarNode { Value.Length: > 0 }, $"{name}: no healthcheck.test");
            Assert.NotEqual("true", services[name].Str("healthcheck", "disable"));
            // Required services start with a plain `docker compose up` (no profile).
            Assert.False(services[name].Has("profiles"), $"{name} must not be behind a profile");
        }
    }

    [Fact]
    public void Cypher_services_wait_for_healthy_broker_and_database()
    {
        foreach (var (name, service) in Compose.CypherServices)
        {
            foreach (var dependency in ComposeFile.Infrastructure)
            {
                Assert.Equal("service_healthy", service.Str("depends_on", dependency, "condition"));
            }
        }
    }

    [Fact]
    public void The_services_health_checks_probe_health_live()
    {
        foreach (var name in new[] { "scanner", "risk", "executor", "auditor", "alerts" })
        {
            var test = string.Join(' ', Compose.Services[name].Items("healthcheck", "test").Select(n => ((YamlScalarNode)n).Value));
            Assert.Contains("http://127.0.0.1:8080/health/live", test, StringComparison.Ordinal);
        }

        Assert.Contains("pg_isready", string.Join(' ', Compose.Services["postgres"].Items("healthcheck", "test").Select(n => ((YamlScalarNode)n).Value)), StringComparison.Ordinal);
        Assert.Contains("rabbitmq-diagnostics", string.Join(' ', Compose.Services["rabbitmq"].Items("healthcheck", "test").Select(n => ((YamlScalarNode)n).Value)), StringComparison.Ordinal);
    }

    [Fact]
    public void Configuration_comes_from_dot_env_and_the_containers_reach_the_compose_servers()
    {
        var variables = ExampleEnv();
        foreach (var (name, service) in Compose.CypherServices)
        {
            Assert.Contains(service.Items("env_file"), f => f.Str("path") == ".env" || (f as YamlScalarNode)?.Value == ".env");
            var env = ComposeFile.Environment(service);
            Assert.Equal("RabbitMq", env["MESSAGING_TRANSPORT"]);
            Assert.Contains("@rabbitmq:5672", ComposeFile.Interpolate(env["RABBITMQ_URL"], variables), StringComparison.Ordinal);
            Assert.StartsWith("Host=postgres;", ComposeFile.Interpolate(env["POSTGRES_CONNECTION"], variables), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Containers_run_read_only_without_capabilities()
    {
        foreach (var (name, service) in Compose.CypherServices)
        {
            Assert.True(service.Str("read_only") == "true", $"{name}: read_only must be true");
            Assert.Contains(service.Items("tmpfs"), t => ((YamlScalarNode)t).Value!.StartsWith("/tmp", StringComparison.Ordinal));
            Assert.Contains(service.Items("cap_drop"), c => ((YamlScalarNode)c).Value == "ALL");
        }
    }

    [Fact]
    public void Every_configured_file_path_is_on_a_volume()
    {
        foreach (var (name, service) in Compose.CypherServices)
        {
            var mounts = service.Items("volumes").Select(v => ((YamlScalarNode)v).Value!.Split(':')[1].TrimEnd('/') + "/")
                .Concat(service.Items("tmpfs").Select(t => ((YamlScalarNode)t).Value!.Split(':')[0].TrimEnd('/') + "/"))
                .ToList();
            foreach (var (key, value) in ComposeFile.Environment(service))
            {
                if (Settings.FindFlat(key) is { Kind: SettingKind.Path })
                {
                    Assert.True(mounts.Any(m => value.StartsWith(m, StringComparison.Ordinal)), $"{name}: {key}={value} is not on a volume (read_only root)");
                }
            }
        }

        Assert.Equal("/var/lib/cypher/audit.log", ComposeFile.Environment(Compose.Services["auditor"])["AUDIT_LOG_PATH"]);
    }

    [Fact]
    public void Scanner_runs_as_shards_that_cover_the_universe_exactly_once()
    {
        var scanners = Compose.CypherServices.Where(kv => (kv.Value.Str("image") ?? string.Empty).StartsWith("cypherscoping/scanner:", StringComparison.Ordinal)).ToList();
        Assert.True(scanners.Count >= 2, "the scanner must be able to run several replicas");
        var indexes = scanners.Select(s => int.Parse(ComposeFile.Environment(s.Value)["SCANNER_SHARD_INDEX"], System.Globalization.CultureInfo.InvariantCulture)).Order().ToList();
        Assert.Equal(Enumerable.Range(0, scanners.Count), indexes);
        var counts = scanners.Select(s => ComposeFile.Environment(s.Value)["SCANNER_SHARD_COUNT"]).Distinct().ToList();
        Assert.Single(counts);

        // Without the profile only shard 0 runs, and the default count is then 1; with it, every shard runs.
        var always = scanners.Where(s => !s.Value.Has("profiles")).ToList();
        Assert.Single(always);
        Assert.Equal("1", ComposeFile.Interpolate(counts[0], new Dictionary<string, string>()));
        Assert.Equal(scanners.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), ComposeFile.Interpolate(counts[0], new Dictionary<string, string> { ["SCANNER_SHARD_COUNT"] = "3" }));
        var profiles = scanners.Except(always).SelectMany(s => s.Value.Items("profiles")).Select(p => ((YamlScalarNode)p).Value).Distinct().ToList();
        Assert.Single(profiles);
    }

    [Fact]
    public void There_is_exactly_one_executor()
    {
        var executors = Compose.CypherServices.Where(kv => (kv.Value.Str("image") ?? string.Empty).StartsWith("cypherscoping/executor:", StringComparison.Ordinal)).ToList();
        Assert.Single(executors);
        Assert.Equal("1", executors[0].Value.Str("deploy", "replicas") ?? "1");
    }

    [Fact]
    public void Every_configuration_key_in_compose_is_known()
    {
        var unknown = new List<string>();
        foreach (var (name, service) in Compose.CypherServices)
        {
            unknown.AddRange(ComposeFile.Environment(service).Keys
                .Where(k => !Settings.IsKnownKey(k) && !ManifestChecks.RuntimeVariables.Contains(k))
                .Select(k => $"{name}: {k}"));
        }

        unknown.AddRange(Compose.InterpolatedVariables()
            .Where(v => !Settings.IsKnownKey(v) && !ComposeFile.ComposeVariables.Contains(v))
            .Select(v => "${" + v + "}"));
        unknown.AddRange(ExampleEnv().Keys
            .Where(k => !Settings.IsKnownKey(k) && !ComposeFile.ComposeVariables.Contains(k))
            .Select(k => "docker/env.example: " + k));
        Assert.Empty(unknown);
    }

    [Fact]
    public void A_misspelled_key_in_compose_would_be_caught()
    {
        var broken = new ComposeFile(File.ReadAllText(RepoPaths.Compose).Replace("SCANNER_SHARD_INDEX: \"1\"", "SCANNER_SHARD_INDX: \"1\"", StringComparison.Ordinal));
        var keys = broken.CypherServices.SelectMany(s => ComposeFile.Environment(s.Value).Keys).ToList();
        Assert.Contains("SCANNER_SHARD_INDX", keys);
        Assert.False(Settings.IsKnownKey("SCANNER_SHARD_INDX"));
    }

    [Fact]
    public void The_example_env_gives_every_service_a_valid_paper_configuration()
    {
        var variables = ExampleEnv();
        foreach (var (name, service) in Compose.CypherServices)
        {
            var values = new Dictionary<string, string>(variables, StringComparer.Ordinal);
            foreach (var (key, value) in ComposeFile.Environment(service))
            {
                values[key] = ComposeFile.Interpolate(value, variables);
            }

            var configuration = new ConfigurationBuilder().AddInMemoryCollection(CypherConfiguration.MapFlatKeys(values)).Build();
            var report = ConfigCheck.Validate(configuration);
            Assert.True(report.IsValid, $"{name}: {string.Join("; ", report.Errors)}");
            Assert.Equal("paper", configuration["Trading:Mode"]);
            Assert.Equal("paper", configuration["Risk:Profile"]);
            Assert.False(values.ContainsKey("KUCOIN_API_SECRET"), "the example must not carry exchange credentials");
        }
    }

    [Fact]
    public void Images_are_pinned_and_built_from_the_docker_folder()
    {
        var variables = new Dictionary<string, string>();
        foreach (var (name, service) in Compose.Services)
        {
            var image = ComposeFile.Interpolate(service.Str("image") ?? string.Empty, variables);
            Assert.True(ManifestChecks.ImageProblem(image) is null, $"{name}: {ManifestChecks.ImageProblem(image)}");
            if (service.Str("build", "dockerfile") is { } dockerfile)
            {
                Assert.True(File.Exists(RepoPaths.File(dockerfile)), $"{name}: {dockerfile} does not exist");
                Assert.Equal(".", service.Str("build", "context"));
            }
        }

        Assert.All(Compose.CypherServices, s => Assert.True(s.Value.Has("build"), $"{s.Key}: no build section"));
    }

    [Fact]
    public void Broker_has_the_management_ui_and_the_database_a_volume()
    {
        Assert.Contains("management", Compose.Services["rabbitmq"].Str("image"), StringComparison.Ordinal);
        Assert.Contains(Compose.Services["rabbitmq"].Items("ports"), p => ((YamlScalarNode)p).Value!.EndsWith(":15672", StringComparison.Ordinal));
        Assert.Contains(Compose.Services["postgres"].Items("volumes"), v => ((YamlScalarNode)v).Value!.EndsWith(":/var/lib/postgresql/data", StringComparison.Ordinal));
        Assert.True(Compose.Root.Has("volumes", "postgres-data"));
    }
}
