using CypherScoping.Contracts;
using CypherScoping.Domain;

namespace CypherScoping.Exchange;

/// <summary>
/// Contract terms for simulated and paper runs, modelled on KuCoin's USDT perpetuals (multiplier = base units per
/// lot). Live runs take them from the exchange's active-contract list instead.
/// </summary>
public static class ContractCatalog
{
    private static readonly Dictionary<string, ContractSpec> Specs = new[]
    {
        Spec("XBTUSDTM", "BTC", 0.001m, 0.1m, 125, 1_000_000m),
        Spec("ETHUSDTM", "ETH", 0.01m, 0.01m, 100, 1_000_000m),
        Spec("SOLUSDTM", "SOL", 0.1m, 0.001m, 75, 1_000_000m),
        Spec("XRPUSDTM", "XRP", 10m, 0.0001m, 75, 1_000_000m),
        Spec("ADAUSDTM", "ADA", 10m, 0.00001m, 75, 1_000_000m),
        Spec("DOGEUSDTM", "DOGE", 100m, 0.00001m, 75, 1_000_000m),
        Spec("MATICUSDTM", "MATIC", 10m, 0.0001m, 50, 1_000_000m),
        Spec("LINKUSDTM", "LINK", 0.1m, 0.001m, 75, 1_000_000m),
        Spec("AVAXUSDTM", "AVAX", 0.1m, 0.001m, 75, 1_000_000m),
        Spec("DOTUSDTM", "DOT", 1m, 0.001m, 75, 1_000_000m),
        Spec("UNIUSDTM", "UNI", 1m, 0.001m, 50, 1_000_000m),
        Spec("ATOMUSDTM", "ATOM", 0.1m, 0.001m, 50, 1_000_000m),
        Spec("LTCUSDTM", "LTC", 0.1m, 0.01m, 75, 1_000_000m),
        Spec("BCHUSDTM", "BCH", 0.01m, 0.01m, 75, 1_000_000m),
        Spec("ETCUSDTM", "ETC", 0.1m, 0.001m, 75, 1_000_000m),
    }.ToDictionary(s => s.Symbol, StringComparer.Ordinal);

    public static IReadOnlyCollection<ContractSpec> All => Specs.Values;

    /// <summary>Terms for any spelling of a listed symbol, or null.</summary>
    public static ContractSpec? Find(string symbol) =>
        SymbolCanonicalizer.TryParse(symbol, out var canonical, out _) && Specs.TryGetValue(canonical.FuturesSymbol, out var spec) ? spec : null;

    public static ContractTerms ToTerms(this ContractSpec spec) => new()
    {
        Multiplier = spec.Multiplier,
        LotSize = spec.LotSize,
        MaxOrderQty = spec.MaxOrderQty,
        TickSize = spec.TickSize,
        MaxLeverage = spec.MaxLeverage,
        TakerFeeRate = spec.TakerFeeRate,
        MakerFeeRate = spec.MakerFeeRate,
    };

    private static ContractSpec Spec(string symbol, string baseAsset, decimal multiplier, decimal tick, int maxLeverage, decimal maxQty) => new()
    {
        Symbol = symbol,
        BaseCurrency = baseAsset,
        QuoteCurrency = "USDT",
        SettleCurrency = "USDT",
        Multiplier = multiplier,
        LotSize = 1m,
        MaxOrderQty = maxQty,
        TickSize = tick,
        MaxLeverage = maxLeverage,
    };
}
