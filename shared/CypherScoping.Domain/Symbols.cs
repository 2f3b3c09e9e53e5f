using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace CypherScoping.Domain;

/// <summary>A symbol in canonical form: base asset (bitcoin is always BTC), quote, and KuCoin's futures symbol.</summary>
public readonly record struct CanonicalSymbol(string BaseAsset, string Quote, string FuturesSymbol)
{
    public override string ToString() => FuturesSymbol;
}

/// <summary>
/// Turns any common spelling of a perpetual (BTC/USDT, btc-usdt, XBTUSDTM, BTC/USDT:USDT, BTC-USDT-SWAP,
/// BTC-PERP, " eth_usdt ") into one canonical form. XBT and BTC are the same asset.
/// </summary>
public static class SymbolCanonicalizer
{
    private static readonly string[] DroppedTokens = ["SWAP", "PERP", "PERPETUAL", "P"];

    /// <summary>Quote suffixes, longest first; the value is the quote asset.</summary>
    private static readonly (string Suffix, string Quote)[] QuoteSuffixes =
    [
        ("USDTM", "USDT"), ("USDCM", "USDC"), ("USDT", "USDT"), ("USDC", "USDC"), ("USDM", "USD"), ("USD", "USD"),
    ];

    public static bool TryParse(string? raw, out CanonicalSymbol symbol, [NotNullWhen(false)] out string? error)
    {
        symbol = default;
        if (string.IsNullOrWhiteSpace(raw))
        {
            error = "symbol is empty";
            return false;
        }

        var compact = new string(raw.Where(c => !char.IsWhiteSpace(c)).ToArray()).ToUpperInvariant();
        var colon = compact.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            compact = compact[..colon]; // BTC/USDT:USDT → settle currency dropped
        }

        var tokens = compact.Split(['/', '-', '_', '.'], StringSplitOptions.RemoveEmptyEntries).ToList();
        while (tokens.Count > 1 && DroppedTokens.Contains(tokens[^1]))
        {
            tokens.RemoveAt(tokens.Count - 1);
        }

        var joined = string.Concat(tokens);
        foreach (var dropped in new[] { "PERPETUAL", "PERP" })
        {
            if (joined.Length > dropped.Length && joined.EndsWith(dropped, StringComparison.Ordinal))
            {
                joined = joined[..^dropped.Length];
            }
        }

        var quote = "USDT";
        var baseAsset = joined;
        foreach (var (suffix, q) in QuoteSuffixes)
        {
            if (joined.Length > suffix.Length && joined.EndsWith(suffix, StringComparison.Ordinal))
            {
                baseAsset = joined[..^suffix.Length];
                quote = q;
                break;
            }
        }

        if (baseAsset.Length is 0 or > 20 || !baseAsset.All(c => c is (>= 'A' and <= 'Z') or (>= '0' and <= '9')))
        {
            error = $"'{raw}' is not a recognisable symbol";
            return false;
        }

        var canonicalBase = NormalizeAsset(baseAsset);
        var exchangeBase = canonicalBase == "BTC" ? "XBT" : canonicalBase;
        var futures = quote == "USD" ? exchangeBase + "USDM" : exchangeBase + quote + "M";
        symbol = new CanonicalSymbol(canonicalBase, quote, futures);
        error = null;
        return true;
    }

    /// <summary>Canonical asset name: XBT is BTC.</summary>
    public static string NormalizeAsset(string asset)
    {
        var upper = asset.Trim().ToUpperInvariant();
        return upper == "XBT" ? "BTC" : upper;
    }

    /// <summary>Canonical base asset of a symbol, or null when it cannot be parsed.</summary>
    public static string? BaseAssetOf(string? raw) => TryParse(raw, out var s, out _) ? s.BaseAsset : null;
}

/// <summary>The outcome of a symbol policy check.</summary>
public readonly record struct SymbolDecision(bool Allowed, string? ErrorCode, string Reason, CanonicalSymbol? Symbol)
{
    public static SymbolDecision Allow(CanonicalSymbol s) => new(true, null, "allowed", s);

    public static SymbolDecision Deny(string code, string reason, CanonicalSymbol? s = null) => new(false, code, reason, s);
}

/// <summary>
/// Trading universe plus denylist. The denylist always wins and matches by base asset, so a denylist that
/// says BTC/USDT denies XBTUSDTM, XBTUSDM and every other bitcoin instrument. Outside the universe → denied.
/// Unparseable or (when the exchange's contract list is known) unknown symbols → denied. Fail closed.
/// </summary>
public sealed class SymbolPolicy
{
    private readonly HashSet<string> _universe;
    /// <summary>Raw spellings remembered per policy; bounded so a stream of junk symbols cannot grow it without limit.</summary>
    private const int MaxCachedVerdicts = 1024;

    /// <summary>Longer strings are junk anyway (a base asset has at most 20 characters) and are not kept alive by the cache.</summary>
    private const int MaxCachedLength = 64;

    private readonly HashSet<string> _deniedAssets;

    /// <summary>
    /// The known-contract restriction and the verdicts computed under it, swapped as one object so a verdict can
    /// never be cached under a restriction other than the one it was computed with.
    /// </summary>
    private Verdicts _verdicts = new(null);

    public SymbolPolicy(IEnumerable<string> universe, IEnumerable<string> denylist)
    {
        var problems = new List<string>();
        _universe = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in universe)
        {
            if (SymbolCanonicalizer.TryParse(entry, out var s, out var error))
            {
                _universe.Add(s.FuturesSymbol);
            }
            else
            {
                problems.Add($"TRADING_UNIVERSE: {error}");
            }
        }

        _deniedAssets = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in denylist)
        {
            if (SymbolCanonicalizer.TryParse(entry, out var s, out var error))
            {
                _deniedAssets.Add(s.BaseAsset);
            }
            else
            {
                problems.Add($"DENYLIST_SYMBOLS: {error}");
            }
        }

        Problems = problems;
        _universe.RemoveWhere(sym => SymbolCanonicalizer.TryParse(sym, out var s, out _) && _deniedAssets.Contains(s.BaseAsset));
    }

    /// <summary>Entries that could not be parsed (a config error).</summary>
    public IReadOnlyList<string> Problems { get; }

    /// <summary>Universe after removing denied assets, as KuCoin futures symbols.</summary>
    public IReadOnlyCollection<string> Universe => _universe;

    public IReadOnlyCollection<string> DeniedAssets => _deniedAssets;

    public static SymbolPolicy FromLists(string? universeCsv, string? denylistCsv) =>
        new(SplitList(universeCsv), SplitList(denylistCsv));

    public static IReadOnlyList<string> SplitList(string? csv) =>
        string.IsNullOrWhiteSpace(csv)
            ? []
            : csv.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Restrict to contracts the exchange actually lists (null clears the restriction).</summary>
    public void SetKnownContracts(IEnumerable<string>? futuresSymbols) =>
        _verdicts = new Verdicts(futuresSymbols is null ? null : new HashSet<string>(futuresSymbols, StringComparer.Ordinal));

    public bool IsAssetDenied(string baseAsset) => _deniedAssets.Contains(SymbolCanonicalizer.NormalizeAsset(baseAsset));

    /// <summary>
    /// The verdict for a raw spelling. Canonicalising costs string splitting and several allocations, and Risk asks
    /// for the same handful of symbols on every signal, so verdicts are memoised per raw string (the verdict is a
    /// pure function of the raw string, the lists fixed at construction and the known contracts).
    /// </summary>
    public SymbolDecision Evaluate(string? raw)
    {
        var verdicts = _verdicts;
        if (raw is null || raw.Length > MaxCachedLength)
        {
            return Compute(raw, verdicts.KnownContracts);
        }

        if (verdicts.ByRaw.TryGetValue(raw, out var cached))
        {
            return cached;
        }

        var decision = Compute(raw, verdicts.KnownContracts);
        if (verdicts.ByRaw.Count < MaxCachedVerdicts)
        {
            verdicts.ByRaw.TryAdd(raw, decision);
        }

        return decision;
    }

    private SymbolDecision Compute(string? raw, HashSet<string>? knownContracts)
    {
        if (!SymbolCanonicalizer.TryParse(raw, out var s, out var error))
        {
            return SymbolDecision.Deny(ErrorCodes.UnknownSymbol, error);
        }

        if (_deniedAssets.Contains(s.BaseAsset))
        {
            return SymbolDecision.Deny(ErrorCodes.SymbolDenied, $"{s.BaseAsset} is on the denylist ({raw})", s);
        }

        if (knownContracts is not null && !knownContracts.Contains(s.FuturesSymbol))
        {
            return SymbolDecision.Deny(ErrorCodes.UnknownSymbol, $"{s.FuturesSymbol} is not an active contract", s);
        }

        if (!_universe.Contains(s.FuturesSymbol))
        {
            return SymbolDecision.Deny(ErrorCodes.SymbolNotInUniverse, $"{s.FuturesSymbol} is not in the trading universe", s);
        }

        return SymbolDecision.Allow(s);
    }

    private sealed class Verdicts(HashSet<string>? knownContracts)
    {
        public HashSet<string>? KnownContracts { get; } = knownContracts;

        public ConcurrentDictionary<string, SymbolDecision> ByRaw { get; } = new(StringComparer.Ordinal);
    }
}
