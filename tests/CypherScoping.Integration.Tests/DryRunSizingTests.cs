using CypherScoping.Cli.Commands;
using CypherScoping.Contracts;
using CypherScoping.Exchange;
using CypherScoping.Scanner.Domain;
using Microsoft.Extensions.Configuration;

namespace CypherScoping.Integration.Tests;

public class DryRunSizingTests
{
    [Fact]
    public void Analyze_dry_run_shows_the_order_risk_would_size_with_the_paper_profile()
    {
        // Equity 10,000, 2 % risk → budget 200. Long ETH at 2000, stop 1950: loss per ETH = 50 + 0.0006 × 3950 = 52.37;
        // 0.01 ETH per lot → 200 / 0.5237 = 381.9 → 381 lots (round down), notional 7,620 fits the 8,000 room at 1x.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Trading:Mode"] = "paper" }).Build();
        var signal = new TradeSignal(PositionSide.Long, 2000m, 1950m, 2075m, 70, 20);

        var text = DryRunSizing.Describe(configuration, signal, ContractCatalog.Find("ETHUSDTM")!.ToTerms());

        Assert.Contains("381 lots = 3.81 base, 1x", text, StringComparison.Ordinal);
        Assert.Contains("loss at stop 199.53 of budget 200", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_dry_run_says_when_risk_would_deny()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Risk:MinPositionSize"] = "1000" }).Build();
        var signal = new TradeSignal(PositionSide.Long, 2000m, 1950m, 2075m, 70, 20);

        var text = DryRunSizing.Describe(configuration, signal, ContractCatalog.Find("ETHUSDTM")!.ToTerms());

        Assert.Contains("risk would deny", text, StringComparison.Ordinal);
        Assert.Contains("E_SIZE_BELOW_MIN", text, StringComparison.Ordinal);
    }
}
