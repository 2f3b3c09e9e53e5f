using CypherScoping.Contracts;
using CypherScoping.Contracts.Operations;
using CypherScoping.Contracts.Orders;
using CypherScoping.Contracts.Signals;
using CypherScoping.Exchange;

namespace CypherScoping.TestKit.Builders;

/// <summary>Valid messages for Risk-facing tests; adjust with `with { … }`.</summary>
public static class SignalBuilders
{
    public static readonly DateTimeOffset Epoch = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    /// <summary>ETHUSDTM-like terms: 0.01 ETH per lot, tick 0.01, max 100x.</summary>
    public static ContractTerms EthTerms { get; } = new()
    {
        Multiplier = 0.01m,
        LotSize = 1m,
        MaxOrderQty = 1_000_000m,
        TickSize = 0.01m,
        MaxLeverage = 100,
    };

    /// <summary>Terms from the simulated contract catalog (XBTUSDTM, SOLUSDTM …), or ETH's terms when unlisted.</summary>
    public static ContractTerms TermsFor(string symbol) => ContractCatalog.Find(symbol)?.ToTerms() ?? EthTerms;

    /// <summary>A valid long: entry 2000, stop 1960 (2 %), take-profit 2080, valid for five minutes from <paramref name="at"/>.</summary>
    public static SignalGenerated Long(string symbol = "ETHUSDTM", decimal entry = 2000m, decimal stop = 1960m, decimal takeProfit = 2080m, DateTimeOffset? at = null)
    {
        var now = at ?? Epoch;
        var id = Guid.NewGuid();
        return new SignalGenerated
        {
            SignalId = id,
            CorrelationId = id,
            OccurredAt = now,
            ExpiresAt = now.AddMinutes(5),
            Symbol = symbol,
            BaseAsset = "ETH",
            Side = PositionSide.Long,
            EntryPrice = entry,
            StopLoss = stop,
            TakeProfit = takeProfit,
            Score = 60m,
            StrategyId = "test",
            ParameterHash = "test",
            IntervalMinutes = 5,
            Contract = TermsFor(symbol),
        };
    }

    public static SignalGenerated Short(string symbol = "ETHUSDTM", decimal entry = 2000m, decimal stop = 2040m, decimal takeProfit = 1920m, DateTimeOffset? at = null) =>
        Long(symbol, entry, stop, takeProfit, at) with { Side = PositionSide.Short };

    public static AccountSnapshot Account(decimal equity, DateTimeOffset? at = null, TradingMode mode = TradingMode.Paper, params PositionSnapshot[] positions) => new()
    {
        CorrelationId = Guid.NewGuid(),
        OccurredAt = at ?? Epoch,
        Mode = mode,
        Equity = equity,
        AvailableBalance = equity - positions.Sum(p => p.InitialMargin),
        MarginUsed = positions.Sum(p => p.InitialMargin),
        UnrealizedPnl = 0m,
        OpenPositions = positions,
    };

    public static PositionSnapshot Position(string symbol, decimal initialMargin, PositionSide side = PositionSide.Long, decimal lots = 10m, decimal multiplier = 0.01m, decimal price = 2000m) => new()
    {
        Symbol = symbol,
        BaseAsset = symbol.Replace("USDTM", string.Empty, StringComparison.Ordinal),
        Side = side,
        Size = lots,
        SizeBase = lots * multiplier,
        EntryPrice = price,
        MarkPrice = price,
        InitialMargin = initialMargin,
        UnrealizedPnl = 0m,
        Leverage = 5,
    };

    public static PositionClosed Closed(TradeOutcome outcome, DateTimeOffset? at = null, string symbol = "ETHUSDTM") => new()
    {
        PositionId = Guid.NewGuid().ToString("N"),
        CorrelationId = Guid.NewGuid(),
        OccurredAt = at ?? Epoch,
        Symbol = symbol,
        BaseAsset = "ETH",
        Side = PositionSide.Long,
        Size = 10m,
        SizeBase = 0.1m,
        EntryPrice = 2000m,
        ExitPrice = outcome == TradeOutcome.Win ? 2080m : 1960m,
        RealizedPnl = outcome == TradeOutcome.Win ? 8m : -4m,
        Fees = 0.2m,
        Funding = 0m,
        Outcome = outcome,
        RMultiple = outcome == TradeOutcome.Win ? 2m : -1m,
        HoldingTime = TimeSpan.FromMinutes(30),
        ExitReason = outcome == TradeOutcome.Win ? "take_profit" : "stop_loss",
        Mode = TradingMode.Paper,
    };

    public static ExchangeErrorOccurred ExchangeError(DateTimeOffset? at = null) => new()
    {
        CorrelationId = Guid.NewGuid(),
        OccurredAt = at ?? Epoch,
        Operation = "place_order",
        ErrorCode = "E_EXCHANGE_UNAVAILABLE",
        HttpStatus = 503,
        Message = "service unavailable",
    };

    public static HaltTrading Halt(string reason = "test halt", DateTimeOffset? at = null) => new()
    {
        CommandId = Guid.NewGuid(),
        CorrelationId = Guid.NewGuid(),
        OccurredAt = at ?? Epoch,
        Reason = reason,
        RequestedBy = "test",
    };

    public static ResumeTrading Resume(string reason = "test resume", DateTimeOffset? at = null) => new()
    {
        CommandId = Guid.NewGuid(),
        CorrelationId = Guid.NewGuid(),
        OccurredAt = at ?? Epoch,
        Reason = reason,
        RequestedBy = "test",
    };

    public static DecideApproval Decide(Guid approvalId, bool approve, decimal? price, DateTimeOffset? at = null) => new()
    {
        ApprovalId = approvalId,
        CorrelationId = Guid.NewGuid(),
        OccurredAt = at ?? Epoch,
        Approve = approve,
        DecidedBy = "test-operator",
        Reason = approve ? "looks fine" : "not today",
        CurrentPrice = price,
    };
}
