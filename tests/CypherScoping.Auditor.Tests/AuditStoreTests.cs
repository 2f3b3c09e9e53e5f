using CypherScoping.Auditor.Data;
using CypherScoping.Auditor.Domain;
using CypherScoping.Auditor.Workers;
using CypherScoping.Persistence;

namespace CypherScoping.Auditor.Tests;

/// <summary>The writer and the store without a bus: exactly once, commit before acknowledge, mirror recovery.</summary>
public sealed class AuditStoreTests : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "cypher-tests", "auditor-" + Guid.NewGuid().ToString("N"));
    private ServiceDatabase _db = null!;

    public async Task InitializeAsync()
    {
        _db = ServiceDatabase.ForSqlite("auditor", Path.Combine(_dir, "auditor.db"));
        await AuditSchema.MigrateAsync(_db);
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private static AuditDraft Draft(Guid? id = null, string clientOrderId = "cid") =>
        AuditEventMapper.Map(MessageFactory.OrderPlaced(clientOrderId), id ?? Guid.NewGuid());

    [Fact]
    public async Task The_same_message_id_in_one_batch_and_across_batches_is_one_row_and_the_chain_holds()
    {
        var id = Guid.NewGuid();
        var first = await AuditStore.AppendAsync(_db, [Draft(id), Draft(), Draft(id)], MessageFactory.T0);
        var second = await AuditStore.AppendAsync(_db, [Draft(id), Draft()], MessageFactory.T0);

        Assert.Equal(2, first.Count);
        Assert.Single(second);
        Assert.Equal(3, second[0].Seq);
        Assert.Equal(first[1].Hash, second[0].PrevHash);
        var verify = await AuditStore.VerifyAsync(_db);
        Assert.True(verify.IsIntact, verify.ToText());
        Assert.Equal(3, verify.RowsChecked);
    }

    [Fact]
    public async Task A_submission_fails_when_nothing_was_committed_so_the_broker_redelivers()
    {
        await using var broken = ServiceDatabase.ForSqlite("auditor", Path.Combine(_dir, "unmigrated.db"));
        await using var writer = new AuditWriter(broken, new AuditOptions { LogPath = Path.Combine(_dir, "broken.log") }, TimeProvider.System);

        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => writer.SubmitAsync(Draft()));
        Assert.False(File.Exists(Path.Combine(_dir, "broken.log")) && new FileInfo(Path.Combine(_dir, "broken.log")).Length > 0);
    }

    [Fact]
    public async Task Submissions_complete_only_after_commit_and_mirror()
    {
        var log = Path.Combine(_dir, "audit.log");
        await using var writer = new AuditWriter(_db, new AuditOptions { LogPath = log, BatchSize = 50 }, TimeProvider.System);
        var drafts = Enumerable.Range(0, 300).Select(i => Draft(clientOrderId: $"cid-{i}")).ToList();

        await Task.WhenAll(drafts.Select(d => writer.SubmitAsync(d)));

        // Nothing is awaited after the submissions: every row and line must already be there.
        Assert.Equal(300, (await AuditQueries.CountsByEventTypeAsync(_db))["order_placed"]);
        var lines = await File.ReadAllLinesAsync(log);
        Assert.Equal(300, lines.Length);
        Assert.Equal(Enumerable.Range(1, 300).Select(i => (long?)i), lines.Select(AuditLine.SeqOf));
    }

    [Fact]
    public async Task The_mirror_catches_up_from_the_trail_after_a_crash_and_drops_a_torn_line()
    {
        var log = Path.Combine(_dir, "audit.log");
        await using (var writer = new AuditWriter(_db, new AuditOptions { LogPath = log }, TimeProvider.System))
        {
            for (var i = 0; i < 5; i++)
            {
                await writer.SubmitAsync(Draft(clientOrderId: $"cid-{i}"));
            }
        }

        // Crash simulation: rows 4 and 5 committed but their lines lost, and line 3 torn mid-write.
        var lines = await File.ReadAllLinesAsync(log);
        await File.WriteAllTextAsync(log, string.Join("\n", lines[..2]) + "\n" + lines[2][..40]);

        await using (var restarted = new AuditWriter(_db, new AuditOptions { LogPath = log }, TimeProvider.System))
        {
            await restarted.SubmitAsync(Draft(clientOrderId: "cid-after"));
        }

        var recovered = await File.ReadAllLinesAsync(log);
        Assert.Equal(Enumerable.Range(1, 6).Select(i => (long?)i), recovered.Select(AuditLine.SeqOf));
        var rows = new List<AuditRow>();
        await foreach (var row in AuditStore.ReadAsync(_db))
        {
            rows.Add(row);
        }

        Assert.Equal(rows.Select(AuditLine.Format), recovered);
    }
}
