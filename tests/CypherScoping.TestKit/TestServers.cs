using Testcontainers.PostgreSql;
using Testcontainers.RabbitMq;

namespace CypherScoping.TestKit;

/// <summary>
/// Real PostgreSQL and RabbitMQ for integration tests: CYPHER_TEST_POSTGRES / CYPHER_TEST_RABBITMQ first
/// (scripts/test.sh exports them), else Testcontainers when a Docker engine is present, else a clear failure.
/// Never a silent skip.
/// </summary>
public static class TestServers
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? _postgres;
    private static string? _rabbit;

    public static async Task<string> PostgresAsync()
    {
        if (_postgres is not null)
        {
            return _postgres;
        }

        await Gate.WaitAsync();
        try
        {
            _postgres ??= Environment.GetEnvironmentVariable("CYPHER_TEST_POSTGRES") is { Length: > 0 } fromEnv
                ? fromEnv
                : await StartPostgresContainerAsync();
            return _postgres;
        }
        finally
        {
            Gate.Release();
        }
    }

    public static async Task<string> RabbitMqAsync()
    {
        if (_rabbit is not null)
        {
            return _rabbit;
        }

        await Gate.WaitAsync();
        try
        {
            _rabbit ??= Environment.GetEnvironmentVariable("CYPHER_TEST_RABBITMQ") is { Length: > 0 } fromEnv
                ? fromEnv
                : await StartRabbitContainerAsync();
            return _rabbit;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>A unique suffix for schemas / entity names, so test classes and repeated runs never collide.</summary>
    public static string UniqueSuffix(string prefix = "t") => $"_{prefix}{Guid.NewGuid():N}"[..14];

    private static bool DockerAvailable() =>
        File.Exists("/var/run/docker.sock") || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOCKER_HOST"));

    private static async Task<string> StartPostgresContainerAsync()
    {
        if (!DockerAvailable())
        {
            throw new InvalidOperationException(
                "PostgreSQL for integration tests: set CYPHER_TEST_POSTGRES (scripts/test.sh starts a local server and sets it), " +
                "or run with a Docker engine so Testcontainers can start one.");
        }

        var container = new PostgreSqlBuilder("postgres:16-alpine").Build();
        await container.StartAsync();
        return container.GetConnectionString();
    }

    private static async Task<string> StartRabbitContainerAsync()
    {
        if (!DockerAvailable())
        {
            throw new InvalidOperationException(
                "RabbitMQ for integration tests: set CYPHER_TEST_RABBITMQ (scripts/test.sh starts a local server and sets it), " +
                "or run with a Docker engine so Testcontainers can start one.");
        }

        var container = new RabbitMqBuilder("rabbitmq:3-management-alpine").Build();
        await container.StartAsync();
        return container.GetConnectionString();
    }
}

/// <summary>Where ../shared/data is, or null (tests that need it skip with a clear message).</summary>
public static class SharedData
{
    public static string? Root { get; } = Find();

    public static string Candles(string file) => Path.Combine(Require(), "candles", file);

    public static string KuCoin(string file) => Path.Combine(Require(), "kucoin-futures", file);

    public static string Require() =>
        Root ?? throw new InvalidOperationException("../shared/data was not found beside the repository; these tests read real data from it");

    private static string? Find()
    {
        var fromEnv = Environment.GetEnvironmentVariable("CYPHER_SHARED_DATA");
        if (!string.IsNullOrEmpty(fromEnv) && Directory.Exists(fromEnv))
        {
            return fromEnv;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "data");
            if (Directory.Exists(Path.Combine(candidate, "candles")))
            {
                return candidate;
            }
        }

        return null;
    }
}
