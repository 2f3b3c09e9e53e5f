using System.Text.Json;
using CypherScoping.Auditor.Data;
using CypherScoping.Auditor.Domain;
using CypherScoping.TestKit;

namespace CypherScoping.Auditor.Tests;

/// <summary>The trail through the real registration and the bus: every contract, exactly once, mirrored line for line.</summary>
public abstract class AuditTrailTests
{
    protected abstract Task<Dictionary<string, string?>> SettingsAsync();

    [Fact]
    public async Task Every_contract_type_lands_in_the_trail()
    {
        await using var auditor = await AuditorHost.StartAsync(await SettingsAsync());
        var types = AuditEventMapper.AuditedTypes;
        Assert.True(types.Count >= 30, $"only {types.Count} contract types found by reflection");
        foreach (var type in types)
        {
            await auditor.PublishAsync(MessageFactory.Build(type));
        }

        await auditor.WaitForRowsAsync(types.Count);
        var byType = await AuditQueries.CountsByEventTypeAsync(auditor.Database);
        foreach (var type in types)
        {
            var eventType = AuditEventMapper.EventTypeOf(type);
            Assert.True(byType.ContainsKey(eventType), $"{type.Name} ({eventType}) is missing from the trail");
        }

        Assert.Equal(types.Count, byType.Values.Sum());
        Assert.True((await AuditStore.VerifyAsync(auditor.Database)).IsIntact);
    }

    [Fact]
    public async Task Redelivery_of_the_same_message_adds_no_row()
    {
        await using var auditor = await AuditorHost.StartAsync(await SettingsAsync());
        var message = MessageFactory.OrderPlaced("cid-redelivered");
        var messageId = Guid.NewGuid();
        await auditor.PublishAsync(message, messageId);
        await auditor.PublishAsync(message, messageId);
        await auditor.PublishAsync(message, messageId);
        await auditor.PublishAsync(MessageFactory.OrderPlaced("cid-other")); // a different message still lands
        await auditor.WaitForRowsAsync(2);
        await auditor.Harness.InactivityTask.WaitAsync(TimeSpan.FromSeconds(30)); // every delivery consumed

        Assert.Equal(2, await AuditQueries.CountAsync(auditor.Database, "event_type", "order_placed"));
        var rows = await AuditStore.LastAsync(auditor.Database, 10);
        Assert.Single(rows, r => r.MessageId == messageId);
        Assert.Equal(2, rows.Count);
        Assert.True((await AuditStore.VerifyAsync(auditor.Database)).IsIntact);
    }

    [Fact]
    public async Task Jsonl_mirror_answers_the_operators_grep_and_jq_with_the_database_counts()
    {
        await using var auditor = await AuditorHost.StartAsync(await SettingsAsync());
        var messages = new List<object>();
        for (var i = 0; i < 7; i++)
        {
            messages.Add(MessageFactory.OrderPlaced($"cid-{i}", at: MessageFactory.T0.AddMinutes(i)));
        }

        messages.Add(MessageFactory.ExchangeError("E_EXCHANGE_UNAVAILABLE"));
        messages.Add(MessageFactory.ExchangeError("E_RATE_LIMITED"));
        messages.Add(MessageFactory.Duplicate("cid-3"));
        messages.Add(MessageFactory.Duplicate("cid-4"));
        messages.Add(MessageFactory.Denied("XBTUSDTM", "E_SYMBOL_DENIED"));
        messages.Add(MessageFactory.Denied("BTC/USDT", "E_SYMBOL_DENIED"));
        messages.Add(MessageFactory.Denied("PEPEUSDTM", "E_SYMBOL_NOT_IN_UNIVERSE"));
        messages.Add(MessageFactory.Trade("ETHUSDTM", 12.5m, MessageFactory.T0.AddHours(1)));
        messages.Add(MessageFactory.Trade("SOLUSDTM", -4.25m, MessageFactory.T0.AddHours(2)));
        messages.Add(MessageFactory.Tripped());
        messages.Add(MessageFactory.Reset());
        foreach (var m in messages)
        {
            await auditor.PublishAsync(m);
        }

        await auditor.WaitForRowsAsync(messages.Count);
        var lines = await ReadLinesAsync(auditor.LogPath, messages.Count);
        Assert.Equal(messages.Count, lines.Length);

        async Task Same(string grep, string column, string value)
        {
            var fromFile = lines.Count(l => l.Contains(grep, StringComparison.Ordinal));
            var fromDb = await AuditQueries.CountAsync(auditor.Database, column, value);
            Assert.True(fromDb > 0, $"seed has no {column}={value}");
            Assert.Equal(fromDb, fromFile);
        }

        await Same("\"eventType\":\"order_placed\"", "event_type", "order_placed");
        await Same("\"level\":\"error\"", "level", "error");
        await Same("\"errorCode\":\"E_DUPLICATE_ORDER\"", "error_code", "E_DUPLICATE_ORDER");
        await Same("\"eventType\":\"policy_rejection\"", "event_type", "policy_rejection");
        await Same("\"eventType\":\"trade_executed\"", "event_type", "trade_executed");
        await Same("\"eventType\":\"circuit_breaker\"", "event_type", "circuit_breaker");
        Assert.Equal(7, lines.Count(l => l.Contains("\"eventType\":\"order_placed\"", StringComparison.Ordinal)));
        Assert.Equal(2, lines.Count(l => l.Contains("\"level\":\"error\"", StringComparison.Ordinal)));
        Assert.Equal(2, lines.Count(l => l.Contains("\"errorCode\":\"E_DUPLICATE_ORDER\"", StringComparison.Ordinal)));
        Assert.Equal(3, lines.Count(l => l.Contains("\"eventType\":\"policy_rejection\"", StringComparison.Ordinal)));

        // tail -3 | jq -r '"\(.timestamp) [\(.eventType)] \(.message // .action // "no description")"'
        foreach (var line in lines[^3..])
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", root.GetProperty("timestamp").GetString());
            Assert.False(string.IsNullOrWhiteSpace(root.GetProperty("eventType").GetString()));
            Assert.False(string.IsNullOrWhiteSpace(root.GetProperty("message").GetString()));
        }

        foreach (var line in lines.Where(l => l.Contains("\"eventType\":\"trade_executed\"", StringComparison.Ordinal)))
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            Assert.Contains(root.GetProperty("symbol").GetString(), new[] { "ETHUSDTM", "SOLUSDTM" });
            Assert.Equal("long", root.GetProperty("side").GetString());
            Assert.Equal(4m, root.GetProperty("size").GetDecimal());
            var pnl = root.GetProperty("pnl").GetDecimal();
            Assert.Equal(pnl > 0 ? "win" : "loss", root.GetProperty("outcome").GetString());
            Assert.Contains(pnl, new[] { 12.5m, -4.25m });
        }

        var statuses = lines.Where(l => l.Contains("\"eventType\":\"circuit_breaker\"", StringComparison.Ordinal))
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("status").GetString())
            .OrderBy(s => s, StringComparer.Ordinal);
        Assert.Equal(new[] { "reset", "tripped" }, statuses);
        Assert.All(lines, l => Assert.DoesNotContain("\": ", l, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Secrets_never_reach_the_trail_or_the_mirror()
    {
        await using var auditor = await AuditorHost.StartAsync(await SettingsAsync());
        const string secret = "s3cr3t-Zq9-never-log-me";
        await auditor.PublishAsync(MessageFactory.Config(secret));
        await auditor.WaitForRowsAsync(1);
        var row = Assert.Single(await AuditStore.LastAsync(auditor.Database, 5));
        Assert.DoesNotContain(secret, row.Payload, StringComparison.Ordinal);
        Assert.Contains("\"TRADING_MODE\":\"live\"", row.Payload, StringComparison.Ordinal);
        var lines = await ReadLinesAsync(auditor.LogPath, 1);
        Assert.DoesNotContain(secret, lines[0], StringComparison.Ordinal);
        Assert.Contains("\"eventType\":\"config_loaded\"", lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tampering_with_a_row_is_named_by_verify()
    {
        await using var auditor = await AuditorHost.StartAsync(await SettingsAsync());
        for (var i = 0; i < 6; i++)
        {
            await auditor.PublishAsync(MessageFactory.OrderPlaced($"cid-t{i}"));
        }

        await auditor.WaitForRowsAsync(6);
        Assert.True((await AuditStore.VerifyAsync(auditor.Database)).IsIntact);
        var target = (await AuditStore.LastAsync(auditor.Database, 10)).Single(r => r.Seq == 4);

        await TamperAsync(auditor, "UPDATE audit_events SET payload = REPLACE(payload, '\"size\":2', '\"size\":200') WHERE seq = 4");

        var result = await AuditStore.VerifyAsync(auditor.Database);
        Assert.False(result.IsIntact);
        Assert.Equal(4, result.FirstBreak!.Seq);
        Assert.Equal(target.MessageId, result.FirstBreak.MessageId);
        Assert.Contains("seq 4", result.ToText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deleting_a_row_is_named_by_verify()
    {
        await using var auditor = await AuditorHost.StartAsync(await SettingsAsync());
        for (var i = 0; i < 5; i++)
        {
            await auditor.PublishAsync(MessageFactory.OrderPlaced($"cid-d{i}"));
        }

        await auditor.WaitForRowsAsync(5);
        await TamperAsync(auditor, "DELETE FROM audit_events WHERE seq = 2");

        var result = await AuditStore.VerifyAsync(auditor.Database);
        Assert.Equal(3, result.FirstBreak?.Seq);
    }

    /// <summary>Bypass the append-only guard the way an attacker with file or owner access would.</summary>
    protected abstract Task TamperAsync(AuditorHost auditor, string sql);

    internal static async Task<string[]> ReadLinesAsync(string path, int expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var lines = File.Exists(path) ? await File.ReadAllLinesAsync(path) : [];
            if (lines.Length >= expected || DateTime.UtcNow > deadline)
            {
                return lines;
            }

            await Task.Delay(25);
        }
    }
}

public sealed class SqliteAuditTrailTests : AuditTrailTests
{
    protected override Task<Dictionary<string, string?>> SettingsAsync() => Task.FromResult(TestHosts.SqliteSettings());

    protected override async Task TamperAsync(AuditorHost auditor, string sql)
    {
        await using var connection = await auditor.Database.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete; " + sql;
        await command.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task Sqlite_refuses_update_and_delete_of_the_trail()
    {
        await using var auditor = await AuditorHost.StartAsync(await SettingsAsync());
        await auditor.PublishAsync(MessageFactory.OrderPlaced("cid-guard"));
        await auditor.WaitForRowsAsync(1);
        await using var connection = await auditor.Database.OpenAsync();
        foreach (var sql in new[] { "UPDATE audit_events SET level = 'info'", "DELETE FROM audit_events" })
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            var ex = await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => command.ExecuteNonQueryAsync());
            Assert.Contains("append-only", ex.Message, StringComparison.Ordinal);
        }

        Assert.Equal(1, await auditor.RowCountAsync());
    }
}

[Trait("Category", "Integration")]
public sealed class PostgresAuditTrailTests : AuditTrailTests
{
    protected override Task<Dictionary<string, string?>> SettingsAsync() => TestHosts.PostgresSettingsAsync();

    protected override async Task TamperAsync(AuditorHost auditor, string sql)
    {
        // The table owner can switch a user trigger off; deployments grant the service INSERT/SELECT only.
        await using var connection = await auditor.Database.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_modify; {sql}; ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_modify;";
        await command.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task Postgres_refuses_update_delete_and_truncate_of_the_trail()
    {
        await using var auditor = await AuditorHost.StartAsync(await SettingsAsync());
        await auditor.PublishAsync(MessageFactory.OrderPlaced("cid-guard"));
        await auditor.WaitForRowsAsync(1);
        await using var connection = await auditor.Database.OpenAsync();
        foreach (var sql in new[] { "UPDATE audit_events SET level = 'info'", "DELETE FROM audit_events", "TRUNCATE audit_events" })
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            var ex = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => command.ExecuteNonQueryAsync());
            Assert.Equal("42501", ex.SqlState);
            Assert.Contains("append-only", ex.MessageText, StringComparison.Ordinal);
        }

        Assert.Equal(1, await auditor.RowCountAsync());
        Assert.True((await AuditStore.VerifyAsync(auditor.Database)).IsIntact);
    }
}
