using CypherScoping.Contracts;
using CypherScoping.Contracts.Risk;
using CypherScoping.Contracts.Signals;
using CypherScoping.Domain;

namespace CypherScoping.Risk.Domain;

/// <summary>The latest account the Executor reported.</summary>
public sealed record AccountView(decimal Equity, IReadOnlyList<PositionSnapshot> Positions, DateTimeOffset At)
{
    public decimal OpenMargin { get; } = Positions.Sum(p => Math.Max(0m, p.InitialMargin));
}

/// <summary>Everything a decision depends on besides the signal.</summary>
public sealed record RiskContext
{
    public required RiskState State { get; init; }
    public required AccountView? Account { get; init; }
    public required RiskLimits Limits { get; init; }
    public required SymbolPolicy Policy { get; init; }
    public required DateTimeOffset Now { get; init; }
    /// <summary>Entries approved so far this UTC day.</summary>
    public required int EntriesToday { get; init; }
    /// <summary>Initial margin of approved orders not yet visible in the account snapshot.</summary>
    public decimal ReservedMargin { get; init; }
    /// <summary>Re-check after a human approved: no second approval, no signal-expiry check (the approval's TTL governs).</summary>
    public bool ApprovedByHuman { get; init; }
    public Guid? ApprovalId { get; init; }
}

public enum DecisionKind
{
    Approved = 0,
    Denied = 1,
    ApprovalRequested = 2,
}

/// <summary>The outcome for one signal: exactly one message to publish (plus the sized order when there is one).</summary>
public sealed record RiskDecision(DecisionKind Kind, ICypherMessage Message, SizedOrder? Sized = null)
{
    public OrderApproved? Approved => Message as OrderApproved;

    public OrderDenied? Denied => Message as OrderDenied;

    public ApprovalRequested? ApprovalRequest => Message as ApprovalRequested;
}

/// <summary>
/// Risk as a pure transformation from signal to decision: symbol policy (enforcement point 2), message sanity,
/// expiry, trading state, account data, daily cap, sizing, then approval. Never throws for bad input.
/// </summary>
public static class RiskDecider
{
    public const decimal MaxSanePrice = 1_000_000_000m;

    public static RiskDecision Decide(SignalGenerated signal, RiskContext context)
    {
        try
        {
            return DecideCore(signal, context);
        }
        catch (Exception ex) when (ex is OverflowException or DivideByZeroException or ArgumentException)
        {
            return Deny(signal, context, ErrorCodes.BadMessage, $"signal values are out of range ({ex.GetType().Name})", null);
        }
    }

    private static RiskDecision DecideCore(SignalGenerated signal, RiskContext context)
    {
        var policy = context.Policy.Evaluate(signal.Symbol);
        if (!policy.Allowed)
        {
            return Deny(signal, context, policy.ErrorCode ?? ErrorCodes.SymbolDenied, policy.Reason, policy.Symbol);
        }

        var symbol = policy.Symbol!.Value;
        if (!string.IsNullOrWhiteSpace(signal.BaseAsset) && context.Policy.IsAssetDenied(signal.BaseAsset))
        {
            return Deny(signal, context, ErrorCodes.SymbolDenied, $"base asset {signal.BaseAsset} is on the denylist", symbol);
        }

        if (Malformed(signal) is { } problem)
        {
            return Deny(signal, context, ErrorCodes.BadMessage, problem, symbol);
        }

        if (!context.ApprovedByHuman && context.Now >= signal.ExpiresAt)
        {
            return Deny(signal, context, ErrorCodes.SignalExpired, $"signal expired at {signal.ExpiresAt:O}", symbol);
        }

        if (signal.ReduceOnly)
        {
            return ReduceOnly(signal, context, symbol);
        }

        if (TradingStateMachine.CheckEntry(context.State, context.Now) is { } blocked)
        {
            return Deny(signal, context, blocked.Code, blocked.Reason, symbol);
        }

        if (context.Account is not { } account)
        {
            return Deny(signal, context, ErrorCodes.NoAccountData, "no account snapshot from the Executor yet; cannot size (fail closed)", symbol);
        }

        if (context.Limits.DailyTrades is { } cap && context.EntriesToday >= cap)
        {
            return Deny(signal, context, ErrorCodes.DailyTradeLimit, $"{context.EntriesToday} entries today reach the daily cap of {cap} ({context.Limits.Profile})", symbol);
        }

        var limits = context.Limits;
        var sizing = PositionSizer.Size(new SizingRequest(
            account.Equity,
            account.OpenMargin + context.ReservedMargin,
            signal.Side,
            signal.EntryPrice,
            signal.StopLoss,
            signal.Contract,
            limits.MaxRiskPerTrade,
            limits.MaxExposureRatio,
            limits.MinPositionSize,
            limits.LeverageCap));
        if (sizing.Order is not { } sized)
        {
            return Deny(signal, context, sizing.ErrorCode!, sizing.Reason, symbol);
        }

        var takeProfit = Money.RoundToTick(signal.TakeProfit, signal.Contract.TickSize);
        if (!context.ApprovedByHuman && ApprovalRules.IsRequired(limits, sized.Notional))
        {
            var request = new ApprovalRequested
            {
                ApprovalId = ApprovalRules.IdFor(signal.SignalId),
                SignalId = signal.SignalId,
                CorrelationId = signal.CorrelationId,
                OccurredAt = context.Now,
                ExpiresAt = context.Now + limits.ApprovalTtl,
                Symbol = symbol.FuturesSymbol,
                BaseAsset = symbol.BaseAsset,
                Side = signal.Side,
                Size = sized.Lots,
                Notional = sized.Notional,
                EntryPrice = sized.Entry,
                StopLoss = sized.Stop,
                TakeProfit = takeProfit,
                Leverage = sized.Leverage,
                PriceBandPercent = limits.PriceBandPercent,
                Reason = limits.Approval == ApprovalMode.EveryTrade
                    ? $"{limits.Profile}: every trade needs approval"
                    : $"{limits.Profile}: notional {sized.Notional:0.##} USDT is above the threshold {limits.ApprovalNotionalThreshold} USDT",
            };
            return new RiskDecision(DecisionKind.ApprovalRequested, request, sized);
        }

        var approved = new OrderApproved
        {
            SignalId = signal.SignalId,
            CorrelationId = signal.CorrelationId,
            OccurredAt = context.Now,
            ExpiresAt = context.Now + limits.OrderTtl,
            ClientOrderId = ClientOrderIds.FromSignal(signal.SignalId),
            Symbol = symbol.FuturesSymbol,
            BaseAsset = symbol.BaseAsset,
            PositionSide = signal.Side,
            Side = Sides.EntrySide(signal.Side),
            OrderType = OrderType.Market,
            Size = sized.Lots,
            SizeBase = sized.SizeBase,
            EntryPrice = sized.Entry,
            StopLoss = sized.Stop,
            TakeProfit = takeProfit,
            Leverage = sized.Leverage,
            Notional = sized.Notional,
            InitialMargin = sized.InitialMargin,
            RiskAmount = sized.LossAtStop,
            Profile = limits.Profile,
            ApprovalId = context.ApprovalId,
        };
        return new RiskDecision(DecisionKind.Approved, approved, sized);
    }

    /// <summary>Exits always pass trading state, caps and approvals: close the open position on that side.</summary>
    private static RiskDecision ReduceOnly(SignalGenerated signal, RiskContext context, CanonicalSymbol symbol)
    {
        var position = context.Account?.Positions.FirstOrDefault(p =>
            p.Side == signal.Side && p.Size > 0m &&
            SymbolCanonicalizer.TryParse(p.Symbol, out var s, out _) && s.FuturesSymbol == symbol.FuturesSymbol);
        if (position is null)
        {
            return Deny(signal, context, ErrorCodes.NothingToReduce, $"no open {signal.Side} position on {symbol.FuturesSymbol} to reduce", symbol);
        }

        var approved = new OrderApproved
        {
            SignalId = signal.SignalId,
            CorrelationId = signal.CorrelationId,
            OccurredAt = context.Now,
            ExpiresAt = context.Now + context.Limits.OrderTtl,
            ClientOrderId = ClientOrderIds.FromSignal(signal.SignalId),
            Symbol = symbol.FuturesSymbol,
            BaseAsset = symbol.BaseAsset,
            PositionSide = signal.Side,
            Side = Sides.ExitSide(signal.Side),
            OrderType = OrderType.Market,
            Size = position.Size,
            SizeBase = position.SizeBase,
            EntryPrice = Money.RoundToTick(signal.EntryPrice, signal.Contract.TickSize),
            StopLoss = Money.RoundToTick(signal.StopLoss, signal.Contract.TickSize),
            TakeProfit = Money.RoundToTick(signal.TakeProfit, signal.Contract.TickSize),
            Leverage = Math.Max(1, position.Leverage),
            Notional = position.SizeBase * signal.EntryPrice,
            InitialMargin = 0m,
            RiskAmount = 0m,
            Profile = context.Limits.Profile,
            ReduceOnly = true,
            ApprovalId = context.ApprovalId,
        };
        return new RiskDecision(DecisionKind.Approved, approved);
    }

    /// <summary>Why a signal cannot be sized at all (E_BAD_MESSAGE), or null.</summary>
    public static string? Malformed(SignalGenerated s)
    {
        if (s.SignalId == Guid.Empty)
        {
            return "signal id is empty";
        }

        if (!Enum.IsDefined(s.Side))
        {
            return $"unknown side {(int)s.Side}";
        }

        if (s.Contract is not { } c)
        {
            return "contract terms are missing";
        }

        if (c.Multiplier <= 0m || c.LotSize <= 0m || c.MaxOrderQty <= 0m || c.TickSize <= 0m || c.MaxLeverage < 1 ||
            c.Multiplier > 1_000_000m || c.TickSize > MaxSanePrice || c.TakerFeeRate is < 0m or > 0.1m)
        {
            return $"contract terms are invalid (multiplier {c.Multiplier}, lot {c.LotSize}, max qty {c.MaxOrderQty}, tick {c.TickSize}, max leverage {c.MaxLeverage})";
        }

        // Checked one by one rather than through an array of tuples: this runs for every signal.
        if ((UnusablePrice("entry", s.EntryPrice) ?? UnusablePrice("stop", s.StopLoss) ?? UnusablePrice("take-profit", s.TakeProfit)) is { } price)
        {
            return price;
        }

        if (s.ReduceOnly)
        {
            return null;
        }

        var stopOk = s.Side == PositionSide.Long ? s.StopLoss < s.EntryPrice : s.StopLoss > s.EntryPrice;
        if (!stopOk)
        {
            return $"stop {s.StopLoss} is on the wrong side of entry {s.EntryPrice} for a {s.Side} signal";
        }

        var targetOk = s.Side == PositionSide.Long ? s.TakeProfit > s.EntryPrice : s.TakeProfit < s.EntryPrice;
        return targetOk ? null : $"take-profit {s.TakeProfit} is on the wrong side of entry {s.EntryPrice} for a {s.Side} signal";
    }

    private static string? UnusablePrice(string name, decimal value) =>
        value is <= 0m or > MaxSanePrice ? $"{name} price {value} is not a usable price" : null;

    public static RiskDecision Deny(SignalGenerated signal, RiskContext context, string code, string reason, CanonicalSymbol? symbol) =>
        new(DecisionKind.Denied, new OrderDenied
        {
            SignalId = signal.SignalId,
            CorrelationId = signal.CorrelationId,
            OccurredAt = context.Now,
            Symbol = symbol?.FuturesSymbol ?? signal.Symbol ?? string.Empty,
            BaseAsset = symbol?.BaseAsset ?? signal.BaseAsset,
            Side = Enum.IsDefined(signal.Side) ? signal.Side : PositionSide.Long,
            ErrorCode = code,
            Reason = reason,
        });
}
