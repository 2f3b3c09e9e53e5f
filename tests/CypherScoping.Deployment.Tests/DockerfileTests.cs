using System.Text.RegularExpressions;
using CypherScoping.Hosting;
using Xunit;

namespace CypherScoping.Deployment.Tests;

/// <summary>docker/*.Dockerfile: multi-stage, pinned SDK and runtime, non-root, HEALTHCHECK, right entry point.</summary>
public partial class DockerfileTests
{
    public static readonly TheoryData<string, string> Images = new()
    {
        // Dockerfile, published assembly
        { "scanner.Dockerfile", "CypherScoping.Scanner.dll" },
        { "risk.Dockerfile", "CypherScoping.Risk.dll" },
        { "executor.Dockerfile", "CypherScoping.Executor.dll" },
        { "auditor.Dockerfile", "CypherScoping.Auditor.dll" },
        { "alerts.Dockerfile", "CypherScoping.Alerts.dll" },
        { "cli.Dockerfile", "cypher.dll" },
    };

    private static DockerfileModel Load(string file) => new(Path.Combine(RepoPaths.Docker, file));

    [Fact]
    public void There_is_one_Dockerfile_per_service_and_one_for_the_cli()
    {
        var files = Directory.GetFiles(RepoPaths.Docker, "*.Dockerfile").Select(Path.GetFileName).Order().ToList();
        Assert.Equal(["alerts.Dockerfile", "auditor.Dockerfile", "cli.Dockerfile", "executor.Dockerfile", "risk.Dockerfile", "scanner.Dockerfile"], files);
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void Builds_with_the_pinned_sdk_and_runs_on_the_pinned_aspnet_runtime(string file, string assembly)
    {
        _ = assembly;
        var dockerfile = Load(file);
        Assert.True(dockerfile.Stages.Count >= 2, $"{file}: must be multi-stage");
        var froms = dockerfile.Froms;
        var aliases = froms.Select(f => f.Alias).Where(a => a is not null).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var (image, _) in froms.Where(f => !aliases.Contains(f.Image)))
        {
            Assert.True(ManifestChecks.ImageProblem(image) is null, $"{file}: base image {ManifestChecks.ImageProblem(image)}");
        }

        Assert.StartsWith("mcr.microsoft.com/dotnet/sdk:10.0.", froms[0].Image, StringComparison.Ordinal);
        Assert.StartsWith("mcr.microsoft.com/dotnet/aspnet:10.0.", froms[^1].Image, StringComparison.Ordinal);
    }

    [Fact]
    public void All_images_use_the_same_sdk_and_runtime_versions()
    {
        var files = Images.Select(row => (string)row[0]).Select(Load).ToList();
        Assert.Single(files.Select(f => f.Froms[0].Image).Distinct());
        Assert.Single(files.Select(f => f.Froms[^1].Image).Distinct());
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void Runs_as_a_non_root_user(string file, string assembly)
    {
        _ = assembly;
        var users = Load(file).FinalArguments("USER").ToList();
        Assert.True(users.Count > 0, $"{file}: the runtime stage has no USER");
        var user = users[^1].Split(':')[0];
        Assert.NotEqual("root", user);
        Assert.NotEqual("0", user);
        Assert.Matches("^[0-9]+$", user); // numeric, so Kubernetes runAsNonRoot can verify it
        Assert.Equal("1654", user); // the UID the manifests set in runAsUser
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void Has_a_health_check(string file, string assembly)
    {
        var dockerfile = Load(file);
        var checks = dockerfile.FinalArguments("HEALTHCHECK").ToList();
        Assert.Single(checks);
        Assert.DoesNotContain("NONE", checks[0], StringComparison.OrdinalIgnoreCase);
        if (assembly != "cypher.dll")
        {
            Assert.Contains("http://127.0.0.1:8080/health/live", checks[0], StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void Publishes_an_existing_project_and_starts_its_assembly(string file, string assembly)
    {
        var dockerfile = Load(file);
        var publish = dockerfile.Stages[0].Single(i => i.Instruction == "RUN" && i.Arguments.Contains("dotnet publish", StringComparison.Ordinal)).Arguments;
        var project = ProjectPath().Match(publish).Value;
        Assert.True(File.Exists(RepoPaths.File(project)), $"{file}: publishes {project}, which does not exist");
        var assemblyName = assembly == "cypher.dll" ? "cypher" : Path.GetFileNameWithoutExtension(project);
        Assert.Equal(assembly, assemblyName + ".dll");
        var entry = dockerfile.FinalArguments("ENTRYPOINT").Single();
        Assert.Contains(assembly, entry, StringComparison.Ordinal);

        foreach (var copy in dockerfile.Stages[0].Where(i => i.Instruction == "COPY"))
        {
            var parts = copy.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(p => !p.StartsWith("--", StringComparison.Ordinal)).ToList();
            foreach (var source in parts.SkipLast(1))
            {
                Assert.True(File.Exists(RepoPaths.File(source)) || Directory.Exists(RepoPaths.File(source)), $"{file}: COPY source {source} does not exist");
            }
        }
    }

    [GeneratedRegex(@"\S+\.csproj")]
    private static partial Regex ProjectPath();

    [Theory]
    [MemberData(nameof(Images))]
    public void Writes_only_to_tmp_so_a_read_only_root_filesystem_works(string file, string assembly)
    {
        var env = Load(file).FinalEnvironment();
        Assert.Equal("/tmp", env["TMPDIR"]);
        Assert.Equal("/tmp", env["HOME"]);
        Assert.Equal("/tmp", env["DOTNET_BUNDLE_EXTRACT_BASE_DIR"]);
        if (assembly != "cypher.dll")
        {
            Assert.Equal("http://+:8080", env["ASPNETCORE_URLS"]);
        }

        if (file == "auditor.Dockerfile")
        {
            // The JSONL mirror goes to a declared volume, never to the read-only /app.
            Assert.Equal("/var/lib/cypher/audit.log", env["AUDIT_LOG_PATH"]);
            Assert.Contains(Load(file).FinalArguments("VOLUME"), v => v.Contains("/var/lib/cypher", StringComparison.Ordinal));
        }

        foreach (var key in env.Keys)
        {
            Assert.True(Settings.IsKnownKey(key) || ManifestChecks.RuntimeVariables.Contains(key), $"{file}: unknown ENV key {key}");
        }
    }

    [Fact]
    public void The_build_context_never_includes_dot_env_or_build_output()
    {
        var ignored = File.ReadAllLines(RepoPaths.File(".dockerignore")).Select(l => l.Trim()).ToHashSet(StringComparer.Ordinal);
        foreach (var entry in new[] { ".env", "**/bin/", "**/obj/", ".git/" })
        {
            Assert.Contains(entry, ignored);
        }
    }
}
