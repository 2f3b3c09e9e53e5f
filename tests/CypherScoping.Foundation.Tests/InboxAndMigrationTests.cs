using CypherScoping.Persistence;
using CypherScoping.TestKit;
using Dapper;
using Microsoft.Extensions.Configuration;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CypherScoping.Foundation.Tests;

public class InboxAndMigrationTests
{
    public static TheoryData<string> Databases() => new() { "sqlite", "postgres" };

    private static async Task<Dictionary<string, string?>> SettingsAsync(string database) =>
        database == "postgres" ? await TestHosts.PostgresSettingsAsync() : TestHosts.SqliteSettings();

    [Theory]
    [Trait("Category", "Integration")]
    [MemberData(nameof(Databases))]
    public async Task A_message_delivered_twice_has_its_side_effect_once(string database)
    {
        using var host = TestHosts.Build(PingService.Name, await SettingsAsync(database), b => b.AddPingService(), harness: true);
        await host.StartAsync();
        var harness = host.Services.GetRequiredService<ITestHarness>();
        var counter = host.Services.GetRequiredService<DeliveryCounter>();
        var messageId = NewId.NextGuid();

        await harness.Bus.Publish(PingService.NewPing(), ctx => ctx.MessageId = messageId);
        await harness.Bus.Publish(PingService.NewPing(), ctx => ctx.MessageId = messageId);
        await PingService.WaitUntilAsync(() => counter.Count >= 2, TimeSpan.FromSeconds(30), "two deliveries");

        Assert.Equal(2, counter.Count);
        Assert.Equal(1, await PingService.SideEffectsAsync(host.Services, messageId.ToString()));
        await host.StopAsync();
    }

    [Theory]
    [Trait("Category", "Integration")]
    [MemberData(nameof(Databases))]
    public async Task Migrations_apply_once_and_a_second_run_changes_nothing(string database)
    {
        var settings = await SettingsAsync(database);
        IConfiguration config = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        await using var db = DatabaseOptions.Create(config, PingService.Name);
        var scripts = MigrationRunner.FromAssembly(typeof(PingService).Assembly);

        var first = await MigrationRunner.ApplyAsync(db, scripts);
        var second = await MigrationRunner.ApplyAsync(db, scripts);

        Assert.Equal(new[] { MigrationRunner.InboxScriptName, "001_side_effects.sql" }, first);
        Assert.Empty(second);
        await using var connection = await db.OpenAsync();
        Assert.Equal(2, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM schema_history"));
    }

    [Theory]
    [Trait("Category", "Integration")]
    [MemberData(nameof(Databases))]
    public async Task Decimals_and_times_round_trip_exactly(string database)
    {
        IConfiguration config = new ConfigurationBuilder().AddInMemoryCollection(await SettingsAsync(database)).Build();
        await using var db = DatabaseOptions.Create(config, PingService.Name);
        await MigrationRunner.ApplyAsync(db, MigrationRunner.FromAssembly(typeof(PingService).Assembly));
        var at = new DateTimeOffset(2026, 11, 27, 12, 0, 0, 123, TimeSpan.Zero);
        const decimal amount = 12345.678901234567890123m;

        await using var connection = await db.OpenAsync();
        await connection.ExecuteAsync("INSERT INTO side_effects (message_key, amount, created_at) VALUES ('exact', @amount, @at)", new { amount, at });
        var row = await connection.QuerySingleAsync<(decimal Amount, DateTimeOffset CreatedAt)>("SELECT amount, created_at FROM side_effects WHERE message_key = 'exact'");

        Assert.Equal(amount, row.Amount);
        Assert.Equal(at, row.CreatedAt);
    }

    [Fact]
    public async Task An_edited_migration_is_refused()
    {
        await using var db = ServiceDatabase.ForSqlite(PingService.Name, Path.Combine(Path.GetTempPath(), $"cypher-{Guid.NewGuid():N}.db"));
        await MigrationRunner.ApplyAsync(db, [new MigrationScript("001_a.sql", "CREATE TABLE a (x INTEGER);")]);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            MigrationRunner.ApplyAsync(db, [new MigrationScript("001_a.sql", "CREATE TABLE a (x INTEGER, y INTEGER);")]));
        Assert.Contains("001_a.sql", ex.Message, StringComparison.Ordinal);
    }
}
