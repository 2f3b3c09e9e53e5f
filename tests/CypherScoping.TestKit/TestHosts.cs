using CypherScoping.Hosting;
using CypherScoping.Messaging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CypherScoping.TestKit;

/// <summary>Builds hosts the way Program.cs does (service defaults → Add&lt;Service&gt;() → messaging), with test settings.</summary>
public static class TestHosts
{
    /// <summary>Settings for an isolated run: embedded SQLite in a fresh temp directory, in-memory bus.</summary>
    public static Dictionary<string, string?> SqliteSettings(string? directory = null) => new()
    {
        ["Database:SqliteDirectory"] = directory ?? Path.Combine(Path.GetTempPath(), "cypher-tests", Guid.NewGuid().ToString("N")),
        ["Audit:LogPath"] = Path.Combine(directory ?? Path.GetTempPath(), $"audit-{Guid.NewGuid():N}.log"),
        ["Messaging:Transport"] = "InMemory",
    };

    /// <summary>Settings for PostgreSQL with a fresh schema suffix (one per call).</summary>
    public static async Task<Dictionary<string, string?>> PostgresSettingsAsync(string? schemaSuffix = null) => new()
    {
        ["ConnectionStrings:Postgres"] = await TestServers.PostgresAsync(),
        ["Database:SchemaSuffix"] = schemaSuffix ?? TestServers.UniqueSuffix(),
        ["Audit:LogPath"] = Path.Combine(Path.GetTempPath(), $"audit-{Guid.NewGuid():N}.log"),
        ["Messaging:Transport"] = "InMemory",
    };

    /// <summary>Settings for RabbitMQ with a unique entity prefix (exchanges and queues), so runs never see each other.</summary>
    public static async Task<Dictionary<string, string?>> RabbitSettingsAsync(string? prefix = null) => new()
    {
        ["Messaging:Transport"] = "RabbitMq",
        ["RabbitMq:Url"] = await TestServers.RabbitMqAsync(),
        ["Messaging:EntityPrefix"] = prefix ?? $"test{Guid.NewGuid():N}"[..16] + ".",
    };

    /// <summary>A generic host with the service's own registration; harness=true uses MassTransit's test harness.</summary>
    public static IHost Build(
        string serviceName,
        IDictionary<string, string?> settings,
        Action<IHostApplicationBuilder> addService,
        bool harness = true,
        Action<IServiceCollection>? configureServices = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddServiceDefaults(serviceName);
        addService(builder);
        configureServices?.Invoke(builder.Services);
        builder.AddCypherMessaging(testHarness: harness);
        return builder.Build();
    }
}
