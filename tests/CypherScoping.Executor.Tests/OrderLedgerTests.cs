using CypherScoping.Contracts;
using CypherScoping.Executor.Data;
using CypherScoping.Executor.Domain;
using CypherScoping.Persistence;
using CypherScoping.TestKit;

namespace CypherScoping.Executor.Tests;

/// <summary>The same ledger contract on both databases.</summary>
public abstract class OrderLedgerContract
{
    protected abstract Task<ServiceDatabase> CreateDatabaseAsync();

    private async Task<OrderLedger> LedgerAsync()
    {
        var db = await CreateDatabaseAsync();
        await MigrationRunner.ApplyAsync(db, MigrationRunner.FromAssembly(typeof(ExecutorRegistration).Assembly));
        return new OrderLedger(db);
    }

    public static OrderIntent Intent(string id, string symbol = "ETHUSDTM") => new()
    {
        ClientOrderId = id,
        SignalId = Guid.NewGuid(),
        CorrelationId = Guid.NewGuid(),
        Purpose = IntentPurpose.Entry,
        Symbol = symbol,
        BaseAsset = "ETH",
        PositionSide = nameof(PositionSide.Long),
        Side = nameof(OrderSide.Buy),
        OrderType = nameof(OrderType.Market),
        Size = 10m,
        EntryPrice = 2000.123456789m,
        StopLoss = 1950.5m,
        TakeProfit = 2100.25m,
        Leverage = 5,
        ReduceOnly = false,
        RiskAmount = 4.95m,
        Status = IntentStatus.Reserved,
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123),
        UpdatedAt = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123),
    };

    [Fact]
    public async Task A_client_order_id_is_reserved_exactly_once_even_under_concurrent_deliveries()
    {
        var ledger = await LedgerAsync();
        var id = "cs" + Guid.NewGuid().ToString("N");

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => ledger.TryReserveAsync(Intent(id)))));

        Assert.Equal(1, results.Count(r => r));
        Assert.Equal(IntentStatus.Reserved, (await ledger.GetAsync(id))!.Status);
    }

    [Fact]
    public async Task Intents_keep_exact_decimals_and_move_through_their_states()
    {
        var ledger = await LedgerAsync();
        var id = "cs" + Guid.NewGuid().ToString("N");
        var at = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_060_000);
        await ledger.TryReserveAsync(Intent(id));
        await ledger.SetStatusAsync(id, IntentStatus.Sent, at);
        Assert.Single(await ledger.NonFinalAsync(), i => i.ClientOrderId == id);

        await ledger.SetStatusAsync(id, IntentStatus.Accepted, at, "ex-1");
        await ledger.MarkFilledAsync(id, "ex-1", 10m, 2000.07m, 0.0120004m, at);

        var intent = await ledger.GetAsync(id);
        Assert.Equal(IntentStatus.Filled, intent!.Status);
        Assert.Equal(2000.123456789m, intent.EntryPrice);
        Assert.Equal(0.0120004m, intent.Fee);
        Assert.Equal("ex-1", intent.ExchangeOrderId);
        Assert.Equal(at, intent.UpdatedAt);
        Assert.DoesNotContain(await ledger.NonFinalAsync(), i => i.ClientOrderId == id);
        var counts = await ledger.CountsAsync();
        Assert.Equal(1, counts.OrdersSent);
        Assert.Equal(1, counts.OrdersFilled);
    }

    [Fact]
    public async Task Duplicates_positions_and_trading_state_are_persisted()
    {
        var ledger = await LedgerAsync();
        await ledger.RecordDuplicateAsync("cs1", IntentStatus.Filled, DateTimeOffset.UnixEpoch);
        await ledger.SaveTradingStateAsync(new TradingStateView(TradingState.Paused, DateTimeOffset.FromUnixTimeMilliseconds(5_000), DateTimeOffset.FromUnixTimeMilliseconds(4_000)));
        await ledger.SavePositionAsync(new TrackedPosition
        {
            PositionId = "p1", CorrelationId = Guid.NewGuid(), Symbol = "ETHUSDTM", BaseAsset = "ETH", Side = "Long", Size = 10m,
            Multiplier = 0.01m, EntryPrice = 416.24m, StopLoss = 414.5m, TakeProfit = 418m, Leverage = 5, InitialMargin = 8.3248m,
            RiskAmount = 0.165m, Fees = 0.0249744m, Funding = 0m, ExitSize = 0m, ExitValue = 0m, RealizedGross = 0m, Status = "open",
            OpenedAt = DateTimeOffset.FromUnixTimeMilliseconds(60_000),
        });

        Assert.Equal(1, (await ledger.CountsAsync()).DuplicatesBlocked);
        var state = await ledger.GetTradingStateAsync();
        Assert.Equal(TradingState.Paused, state!.State);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(5_000), state.PausedUntil);
        var position = Assert.Single(await ledger.OpenPositionsAsync());
        Assert.Equal(0.0249744m, position.Fees);
        Assert.Equal(10m, position.SignedOpenLots);
    }
}

public sealed class SqliteOrderLedgerTests : OrderLedgerContract
{
    protected override Task<ServiceDatabase> CreateDatabaseAsync() =>
        Task.FromResult(ServiceDatabase.ForSqlite("executor", Path.Combine(Path.GetTempPath(), "cypher-tests", Guid.NewGuid().ToString("N"), "executor.db")));
}

[Trait("Category", "Integration")]
public sealed class PostgresOrderLedgerTests : OrderLedgerContract
{
    protected override async Task<ServiceDatabase> CreateDatabaseAsync() =>
        ServiceDatabase.ForPostgres("executor", "executor" + TestServers.UniqueSuffix(), await TestServers.PostgresAsync());
}

/// <summary>The order path with the ledger on real PostgreSQL.</summary>
[Trait("Category", "Integration")]
public sealed class PostgresOrderPathTests
{
    [Fact]
    public async Task Ten_deliveries_place_one_order_with_the_ledger_on_postgres()
    {
        var eth = CandleFile.Read(CandleFile.Eth);
        await using var host = await ExecutorHost.StartAsync(await TestHosts.PostgresSettingsAsync());
        host.Paper.OnCandle("ETHUSDTM", eth[0]);
        host.Clock.SetUtcNow(eth[0].OpenTime.AddMinutes(1));
        var approval = CypherScoping.TestKit.Builders.OrderBuilders.Approved(host.Clock.GetUtcNow(), entry: 416.15m, stopLoss: 414.5m, takeProfit: 418m);

        await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => host.PublishAsync(approval)));

        await host.ConsumedAsync<CypherScoping.Contracts.Risk.OrderApproved>(10);
        Assert.Equal(9, (await host.PublishedAsync<CypherScoping.Contracts.Orders.DuplicateOrderBlocked>(9)).Count);
        Assert.Equal(1, host.Paper.PlaceOrderCalls);
        Assert.Equal(9, (await host.Get<OrderLedger>().CountsAsync()).DuplicatesBlocked);
    }
}
