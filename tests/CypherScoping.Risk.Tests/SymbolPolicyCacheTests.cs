using CypherScoping.Domain;
using Xunit;

namespace CypherScoping.Risk.Tests;

/// <summary>SymbolPolicy memoises verdicts per raw spelling; a remembered verdict must equal a fresh one.</summary>
public class SymbolPolicyCacheTests
{
    private static SymbolPolicy NewPolicy() => new SymbolOptions().CreatePolicy();

    [Fact]
    public void Repeated_evaluations_give_the_same_verdict_as_a_fresh_policy()
    {
        var policy = NewPolicy();
        string[] spellings = ["ETHUSDTM", " eth/usdt ", "XBTUSDTM", "btc-usdt-swap", "PEPEUSDTM", "???", "", new string('A', 500)];
        foreach (var raw in spellings)
        {
            var first = policy.Evaluate(raw);
            Assert.Equal(first, policy.Evaluate(raw));
            Assert.Equal(NewPolicy().Evaluate(raw), policy.Evaluate(raw));
        }

        Assert.Equal(NewPolicy().Evaluate(null), policy.Evaluate(null));
    }

    [Fact]
    public void Known_contracts_apply_to_symbols_evaluated_before_they_were_set()
    {
        var policy = NewPolicy();
        Assert.True(policy.Evaluate("SOLUSDTM").Allowed);

        policy.SetKnownContracts(["ETHUSDTM"]);
        var restricted = policy.Evaluate("SOLUSDTM");
        Assert.False(restricted.Allowed);
        Assert.Equal(ErrorCodes.UnknownSymbol, restricted.ErrorCode);
        Assert.Equal("SOLUSDTM is not an active contract", restricted.Reason);
        Assert.True(policy.Evaluate("ETHUSDTM").Allowed);

        policy.SetKnownContracts(null);
        Assert.True(policy.Evaluate("SOLUSDTM").Allowed);
    }

    [Fact]
    public void Verdicts_stay_right_after_the_cache_is_full()
    {
        var policy = NewPolicy();
        for (var i = 0; i < 3000; i++)
        {
            Assert.False(policy.Evaluate($"JUNK{i}USDTM").Allowed);
        }

        Assert.True(policy.Evaluate("ADA-USDT").Allowed);
        Assert.Equal(ErrorCodes.SymbolDenied, policy.Evaluate("XBT_USDT").ErrorCode);
        Assert.Equal("JUNK2999USDTM is not in the trading universe", policy.Evaluate("JUNK2999USDTM").Reason);
    }
}
