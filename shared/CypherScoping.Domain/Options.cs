using CypherScoping.Contracts;

namespace CypherScoping.Domain;

/// <summary>Section "Trading": TRADING_MODE, SIMULATION.</summary>
public sealed class TradingOptions
{
    public const string SectionName = "Trading";

    public TradingMode Mode { get; set; } = TradingMode.Paper;

    /// <summary>Simulated market data, no network. Defaults to true in paper mode.</summary>
    public bool? Simulation { get; set; }

    public bool IsSimulation => Simulation ?? Mode == TradingMode.Paper;
}

/// <summary>Section "Symbols": TRADING_UNIVERSE, DENYLIST_SYMBOLS, DEFAULT_SYMBOL (comma lists, any spelling).</summary>
public sealed class SymbolOptions
{
    public const string SectionName = "Symbols";

    public const string DefaultUniverse =
        "ETHUSDTM,SOLUSDTM,XRPUSDTM,ADAUSDTM,DOGEUSDTM,LINKUSDTM,AVAXUSDTM,DOTUSDTM,UNIUSDTM,ATOMUSDTM,LTCUSDTM,BCHUSDTM,ETCUSDTM";

    public const string DefaultDenylist = "BTC/USDT,BTCUSDT,BTCUSDTM,XBT/USDT,XBTUSDT,XBTUSDTM";

    public string TradingUniverse { get; set; } = DefaultUniverse;

    public string Denylist { get; set; } = DefaultDenylist;

    public string DefaultSymbol { get; set; } = "ETHUSDTM";

    public SymbolPolicy CreatePolicy() => SymbolPolicy.FromLists(TradingUniverse, Denylist);
}
