using CypherScoping.Domain;
using FsCheck.Xunit;
using Xunit;

namespace CypherScoping.Risk.Tests;

/// <summary>Generated spellings of bitcoin and random off-universe symbols (used here and by the consumer tests).</summary>
public static class Spellings
{
    private static readonly string[] Bases = ["BTC", "XBT"];
    private static readonly string[] Separators = ["", "/", "-", "_", " ", "  ", "."];
    private static readonly string[] Quotes = ["", "USDT", "USDTM", "USDT-SWAP", "USDT:USDT", "USDT-PERP", "PERP", "USD", "USDM", "USDC", "USDT_PERP", "USDTPERP"];
    private static readonly string[] Trailers = ["", "-PERP", ".P", "-SWAP"];
    private static readonly string[] Pads = ["", " ", "\t", " \t "];

    /// <summary>Every combination of base, casing, separator, quote, trailer and whitespace (deterministic, distinct).</summary>
    public static IReadOnlyList<string> Bitcoin()
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var b in Bases)
        {
            for (var casing = 0; casing < 8; casing++)
            {
                var cased = new string(b.Select((c, i) => ((casing >> i) & 1) == 1 ? char.ToLowerInvariant(c) : c).ToArray());
                foreach (var lowerQuote in new[] { false, true })
                {
                    foreach (var sep in Separators)
                    {
                        foreach (var quote in Quotes)
                        {
                            foreach (var trailer in Trailers)
                            {
                                var tail = quote.Length == 0 ? trailer : sep + quote + trailer;
                                var body = cased + (lowerQuote ? tail.ToLowerInvariant() : tail);
                                foreach (var left in Pads)
                                {
                                    foreach (var right in Pads)
                                    {
                                        set.Add(left + body + right);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }

        return set.ToList();
    }

    /// <summary>A random symbol whose base is not in the universe and not bitcoin.</summary>
    public static string OutsideUniverse(Random rng, SymbolPolicy policy)
    {
        const string letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        while (true)
        {
            var length = rng.Next(2, 9);
            var baseAsset = new string(Enumerable.Range(0, length).Select(_ => letters[rng.Next(letters.Length)]).ToArray());
            var symbol = baseAsset + Quotes[rng.Next(1, 4)];
            if (SymbolCanonicalizer.TryParse(symbol, out var s, out _) && !policy.Universe.Contains(s.FuturesSymbol) && s.BaseAsset != "BTC")
            {
                return rng.Next(2) == 0 ? symbol.ToLowerInvariant() : symbol;
            }
        }
    }
}

public class SymbolPolicyPropertyTests
{
    private static readonly SymbolPolicy Policy = new SymbolOptions().CreatePolicy();

    [Fact]
    public void At_least_ten_thousand_bitcoin_spellings_are_all_denied_as_bitcoin()
    {
        var spellings = Spellings.Bitcoin();
        Assert.True(spellings.Count >= 10_000, $"only {spellings.Count} spellings");
        var failures = spellings
            .Select(s => (s, d: Policy.Evaluate(s)))
            .Where(x => x.d.Allowed || x.d.ErrorCode != ErrorCodes.SymbolDenied || x.d.Symbol?.BaseAsset != "BTC")
            .Take(10)
            .ToList();
        Assert.True(failures.Count == 0, string.Join("; ", failures.Select(f => $"'{f.s}' → {f.d.ErrorCode} {f.d.Reason}")));
    }

    [Fact]
    public void A_denylist_that_only_says_btc_usdt_denies_every_bitcoin_spelling()
    {
        var policy = SymbolPolicy.FromLists("ETHUSDTM,SOLUSDTM", "BTC/USDT");
        Assert.All(Spellings.Bitcoin().Take(3000), s => Assert.False(policy.Evaluate(s).Allowed, s));
        Assert.False(policy.Evaluate("XBTUSDTM").Allowed);
    }

    [Fact]
    public void Bitcoin_in_the_universe_is_still_denied()
    {
        var policy = SymbolPolicy.FromLists("XBTUSDTM,ETHUSDTM", "xbt");
        Assert.Equal(ErrorCodes.SymbolDenied, policy.Evaluate("BTC-USDT-SWAP").ErrorCode);
        Assert.DoesNotContain("XBTUSDTM", policy.Universe);
    }

    [Property(MaxTest = 2000)]
    public void Random_symbols_outside_the_universe_are_denied(int seed)
    {
        var symbol = Spellings.OutsideUniverse(new Random(seed), Policy);
        var decision = Policy.Evaluate(symbol);
        Assert.False(decision.Allowed, symbol);
        Assert.Equal(ErrorCodes.SymbolNotInUniverse, decision.ErrorCode);
    }

    [Property(MaxTest = 500)]
    public void Garbage_is_denied_fail_closed(string? raw)
    {
        var decision = Policy.Evaluate(raw);
        if (decision.Allowed)
        {
            Assert.Contains(decision.Symbol!.Value.FuturesSymbol, Policy.Universe);
            Assert.NotEqual("BTC", decision.Symbol!.Value.BaseAsset);
        }
    }

    [Theory]
    [InlineData("ETHUSDTM")]
    [InlineData("eth/usdt")]
    [InlineData(" ETH-USDT-SWAP ")]
    [InlineData("ETH/USDT:USDT")]
    public void Universe_members_are_allowed_in_any_spelling(string symbol) => Assert.True(Policy.Evaluate(symbol).Allowed);
}
