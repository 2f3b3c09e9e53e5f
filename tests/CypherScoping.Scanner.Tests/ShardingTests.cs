using CypherScoping.Domain;
using CypherScoping.Scanner.Domain;
using CypherScoping.Scanner.Market;

namespace CypherScoping.Scanner.Tests;

public class ShardingTests
{
    public static TheoryData<int> Counts => new() { 1, 2, 3, 4, 5, 6, 7, 8 };

    [Theory]
    [MemberData(nameof(Counts))]
    public void Every_universe_symbol_is_in_exactly_one_shard(int count)
    {
        var policy = new SymbolOptions().CreatePolicy();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var index = 0; index < count; index++)
        {
            var options = new ScannerOptions { ShardCount = count, ShardIndex = index };
            foreach (var symbol in ScannerSetup.SelectSymbols(options, policy, MarketKind.Simulated, null, null).Symbols)
            {
                seen[symbol] = seen.GetValueOrDefault(symbol) + 1;
            }
        }

        Assert.Equal(policy.Universe.Order(StringComparer.Ordinal), seen.Keys.Order(StringComparer.Ordinal));
        Assert.All(seen, kv => Assert.Equal(1, kv.Value));
    }

    [Theory]
    [MemberData(nameof(Counts))]
    public void Shards_are_balanced_for_larger_universes(int count)
    {
        var universe = Enumerable.Range(0, 37).Select(i => $"C{i}USDTM").ToList();
        var shards = Enumerable.Range(0, count).Select(i => Sharding.ShardOf(universe, i, count)).ToList();
        Assert.Equal(universe.Count, shards.Sum(s => s.Count));
        Assert.Equal(universe.Count, shards.SelectMany(s => s).Distinct().Count());
        Assert.True(shards.Max(s => s.Count) - shards.Min(s => s.Count) <= 1);
    }

    [Theory]
    [InlineData("scanner-2", 2)]
    [InlineData("cypher-scanner-0", 0)]
    [InlineData("scanner-11", 11)]
    [InlineData("scanner", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void Shard_index_comes_from_the_statefulset_ordinal(string? host, int? expected) =>
        Assert.Equal(expected, Sharding.OrdinalFromHostName(host));

    [Fact]
    public void Hostname_ordinal_picks_the_shard_and_an_out_of_range_ordinal_is_refused()
    {
        var policy = new SymbolOptions().CreatePolicy();
        var fromHost = ScannerSetup.SelectSymbols(new ScannerOptions { ShardCount = 3 }, policy, MarketKind.Simulated, null, "scanner-1");
        var explicitIndex = ScannerSetup.SelectSymbols(new ScannerOptions { ShardCount = 3, ShardIndex = 1 }, policy, MarketKind.Simulated, null, null);
        Assert.Equal(explicitIndex.Symbols, fromHost.Symbols);
        Assert.Throws<InvalidOperationException>(() => ScannerSetup.SelectSymbols(new ScannerOptions { ShardCount = 3 }, policy, MarketKind.Simulated, null, "scanner-3"));
    }
}
