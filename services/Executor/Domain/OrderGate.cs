using CypherScoping.Contracts;
using CypherScoping.Contracts.Risk;
using CypherScoping.Domain;

namespace CypherScoping.Executor.Domain;

/// <summary>The Executor's copy of Risk's trading state.</summary>
public sealed record TradingStateView(TradingState State, DateTimeOffset? PausedUntil, DateTimeOffset UpdatedAt)
{
    public static TradingStateView Initial { get; } = new(TradingState.Active, null, DateTimeOffset.MinValue);

    /// <summary>The state in force at a time: a pause whose time is up counts as Active.</summary>
    public TradingState EffectiveAt(DateTimeOffset now) =>
        State == TradingState.Paused && PausedUntil is { } until && now >= until ? TradingState.Active : State;
}

/// <summary>A refusal before the exchange: the order is never sent.</summary>
public sealed record Refusal(string ErrorCode, string Reason);

/// <summary>
/// The checks an approval must pass before anything is recorded or sent (architecture §5: invariants 1, 3, 5 and 6,
/// and §9: Halted/Paused deny entries but let exits through; nothing above the hard leverage ceiling passes). Pure: no I/O.
/// </summary>
public static class OrderGate
{
    public static Refusal? Check(OrderApproved approval, DateTimeOffset now, TradingStateView state, SymbolPolicy policy, TradingMode mode, IReadOnlyList<string> missingCredentials)
    {
        if (now >= approval.ExpiresAt)
        {
            return new Refusal(ErrorCodes.OrderExpired, $"approval expired at {approval.ExpiresAt:O} (now {now:O})");
        }

        if (!approval.ReduceOnly)
        {
            switch (state.EffectiveAt(now))
            {
                case TradingState.Halted:
                    return new Refusal(ErrorCodes.TradingHalted, "trading is halted: entries are refused until an operator resumes");
                case TradingState.Paused:
                    return new Refusal(ErrorCodes.TradingPaused, $"trading is paused until {state.PausedUntil:O}: entries are refused");
                case TradingState.Reducing:
                    return new Refusal(ErrorCodes.TradingReducing, "trading is reducing: only exits are allowed");
                default:
                    break;
            }
        }

        var decision = policy.Evaluate(approval.Symbol);
        if (!decision.Allowed)
        {
            return new Refusal(decision.ErrorCode ?? ErrorCodes.SymbolDenied, decision.Reason);
        }

        if (mode == TradingMode.Live && missingCredentials.Count > 0)
        {
            return new Refusal(ErrorCodes.MissingCredentials, $"live mode needs {string.Join(", ", missingCredentials)}");
        }

        if (approval.Size <= 0 || approval.Leverage < 1 || !ClientOrderIds.IsValid(approval.ClientOrderId))
        {
            return new Refusal(ErrorCodes.BadMessage, "approval has a non-positive size, leverage below 1 or an invalid client order id");
        }

        if (approval.Leverage > HardLimits.MaxLeverage)
        {
            // Invariant 5: Risk caps leverage at the same ceiling, so this approval is wrong whoever sent it; exits too
            // (an exit sent at that leverage would still breach it; flatten stays available as the way out).
            return new Refusal(ErrorCodes.LeverageLimit, $"leverage {approval.Leverage}x exceeds the hard ceiling of {HardLimits.MaxLeverage}x");
        }

        return null;
    }
}
