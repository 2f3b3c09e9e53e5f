using CypherScoping.Domain;

namespace CypherScoping.Risk;

/// <summary>One configured symbol entry with its canonical form.</summary>
public sealed record PolicyEntry(string Entry, string? Canonical, string? BaseAsset, string Status);

/// <summary>What `cypher policy check` prints: the universe and denylist in canonical form, and whether the policy is safe.</summary>
public sealed record PolicyReport(
    IReadOnlyList<PolicyEntry> Universe,
    IReadOnlyList<PolicyEntry> Denylist,
    IReadOnlyList<string> DeniedAssets,
    IReadOnlyList<string> Tradable,
    bool BitcoinDenied,
    IReadOnlyList<string> Problems)
{
    public int TradableCount => Tradable.Count;

    /// <summary>Bitcoin is denied (every spelling, XBTUSDTM included) and something is left to trade.</summary>
    public bool Ok => BitcoinDenied && Tradable.Count > 0;

    public static PolicyReport Build(SymbolOptions options)
    {
        var policy = options.CreatePolicy();
        var universe = SymbolPolicy.SplitList(options.TradingUniverse).Select(e =>
        {
            if (!SymbolCanonicalizer.TryParse(e, out var s, out _))
            {
                return new PolicyEntry(e, null, null, "unparseable");
            }

            var decision = policy.Evaluate(e);
            return new PolicyEntry(e, s.FuturesSymbol, s.BaseAsset, decision.Allowed ? "allowed" : $"{decision.ErrorCode}");
        }).ToList();
        var deny = SymbolPolicy.SplitList(options.Denylist).Select(e =>
            SymbolCanonicalizer.TryParse(e, out var s, out _) ? new PolicyEntry(e, s.FuturesSymbol, s.BaseAsset, "denied") : new PolicyEntry(e, null, null, "unparseable")).ToList();
        var bitcoinDenied = policy.IsAssetDenied("BTC") && !policy.Evaluate("XBTUSDTM").Allowed && !policy.Evaluate("BTC/USDT").Allowed;
        return new PolicyReport(universe, deny, policy.DeniedAssets.Order(StringComparer.Ordinal).ToList(), policy.Universe.Order(StringComparer.Ordinal).ToList(), bitcoinDenied, policy.Problems);
    }
}
