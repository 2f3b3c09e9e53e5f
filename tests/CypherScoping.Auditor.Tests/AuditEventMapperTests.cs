using System.Text.Json;
using CypherScoping.Auditor.Domain;
using CypherScoping.Contracts.Market;
using CypherScoping.Contracts.Operations;
using CypherScoping.Contracts.Orders;
using CypherScoping.Contracts.Risk;
using CypherScoping.Contracts.Signals;

namespace CypherScoping.Auditor.Tests;

public sealed class AuditEventMapperTests
{
    [Theory]
    [InlineData(typeof(MarketScanned), "market_scan")]
    [InlineData(typeof(SignalGenerated), "signal_generated")]
    [InlineData(typeof(OrderDenied), "policy_rejection")]
    [InlineData(typeof(ApprovalRequested), "approval_requested")]
    [InlineData(typeof(ApprovalDecided), "approval_decided")]
    [InlineData(typeof(OrderApproved), "order_approved")]
    [InlineData(typeof(OrderPlaced), "order_placed")]
    [InlineData(typeof(OrderRejected), "order_rejected")]
    [InlineData(typeof(OrderFilled), "order_filled")]
    [InlineData(typeof(PositionOpened), "position_opened")]
    [InlineData(typeof(PositionClosed), "trade_executed")]
    [InlineData(typeof(DuplicateOrderBlocked), "duplicate_order_blocked")]
    [InlineData(typeof(ExchangeErrorOccurred), "exchange_error")]
    [InlineData(typeof(CircuitBreakerTripped), "circuit_breaker")]
    [InlineData(typeof(CircuitBreakerReset), "circuit_breaker")]
    [InlineData(typeof(TradingStateChanged), "trading_state_changed")]
    [InlineData(typeof(PositionsFlattened), "positions_flattened")]
    [InlineData(typeof(AlertSent), "alert_sent")]
    [InlineData(typeof(AlertFailed), "alert_failed")]
    [InlineData(typeof(StrategyHealthReported), "health_report")]
    [InlineData(typeof(ServiceStarted), "service_started")]
    [InlineData(typeof(ConfigurationLoaded), "config_loaded")]
    [InlineData(typeof(RampStepChanged), "ramp_step_changed")]
    [InlineData(typeof(BadMarketDataDetected), "bad_market_data_detected")]
    [InlineData(typeof(AccountSnapshot), "account_snapshot")]
    public void Event_types_follow_architecture_section_10(Type type, string expected) =>
        Assert.Equal(expected, AuditEventMapper.EventTypeOf(type));

    [Fact]
    public void A_bitcoin_order_is_recorded_with_canonical_base_asset_btc()
    {
        var draft = AuditEventMapper.Map(MessageFactory.OrderPlaced("cid-1", "XBTUSDTM"), Guid.NewGuid());
        Assert.Equal("XBTUSDTM", draft.Symbol);
        Assert.Equal("BTC", draft.BaseAsset);
        Assert.Equal("executor", draft.Service);
        Assert.Equal("info", draft.Level);
    }

    [Fact]
    public void Levels_are_errors_for_failures_and_warnings_for_denials_and_breakers()
    {
        string Level(object m) => AuditEventMapper.Map((CypherScoping.Contracts.ICypherMessage)m, Guid.NewGuid()).Level;
        Assert.Equal("error", Level(MessageFactory.ExchangeError("E_EXCHANGE_UNAVAILABLE")));
        Assert.Equal("warning", Level(MessageFactory.Denied("XBTUSDTM", "E_SYMBOL_DENIED")));
        Assert.Equal("warning", Level(MessageFactory.Duplicate("cid")));
        Assert.Equal("warning", Level(MessageFactory.Tripped()));
        Assert.Equal("warning", Level(MessageFactory.Reset()));
        var rejected = (OrderRejected)MessageFactory.Build(typeof(OrderRejected));
        Assert.Equal("error", Level(rejected with { RefusedBeforeExchange = false }));
        Assert.Equal("warning", Level(rejected with { RefusedBeforeExchange = true }));
        Assert.Equal("info", Level(MessageFactory.OrderPlaced("cid")));
    }

    [Fact]
    public void Publishing_service_comes_from_the_header_else_the_contract()
    {
        Assert.Equal("risk", AuditEventMapper.Map(MessageFactory.Tripped(), Guid.NewGuid()).Service);
        Assert.Equal("scanner", AuditEventMapper.Map((SignalGenerated)MessageFactory.Build(typeof(SignalGenerated)), Guid.NewGuid()).Service);
        Assert.Equal("alerts", AuditEventMapper.Map((AlertSent)MessageFactory.Build(typeof(AlertSent)), Guid.NewGuid()).Service);
        Assert.Equal("executor", AuditEventMapper.Map(MessageFactory.Config("x"), Guid.NewGuid()).Service);
        Assert.Equal("paper-driver", AuditEventMapper.Map(MessageFactory.Tripped(), Guid.NewGuid(), "Paper-Driver").Service);
    }

    [Fact]
    public void Payload_is_compact_json_with_word_enums()
    {
        var draft = AuditEventMapper.Map(MessageFactory.Trade("SOLUSDTM", -3.5m, MessageFactory.T0), Guid.NewGuid());
        using var doc = JsonDocument.Parse(draft.Payload);
        Assert.Equal("loss", doc.RootElement.GetProperty("outcome").GetString());
        Assert.Equal("long", doc.RootElement.GetProperty("side").GetString());
        Assert.Equal(-3.5m, doc.RootElement.GetProperty("realizedPnl").GetDecimal());
        Assert.DoesNotContain(": ", draft.Payload, StringComparison.Ordinal);
    }

    [Fact]
    public void Secret_settings_are_masked_in_the_payload()
    {
        var draft = AuditEventMapper.Map(MessageFactory.Config("hunter2-secret-value"), Guid.NewGuid());
        Assert.DoesNotContain("hunter2-secret-value", draft.Payload, StringComparison.Ordinal);
        Assert.Contains("\"KUCOIN_API_SECRET\":\"****\"", draft.Payload, StringComparison.Ordinal);
    }

    [Fact]
    public void Hash_changes_with_any_column()
    {
        var row = AuditRow.Chain(AuditEventMapper.Map(MessageFactory.OrderPlaced("cid"), Guid.NewGuid()), 1, AuditChain.Genesis, MessageFactory.T0);
        Assert.Equal(row.Hash, AuditChain.ComputeHash(row));
        Assert.NotEqual(row.Hash, AuditChain.ComputeHash(row with { Level = "error" }));
        Assert.NotEqual(row.Hash, AuditChain.ComputeHash(row with { Seq = 2 }));
        Assert.NotEqual(row.Hash, AuditChain.ComputeHash(row with { Symbol = null }));
        Assert.NotEqual(row.Hash, AuditChain.ComputeHash(row with { PrevHash = new string('1', 64) }));
    }
}
