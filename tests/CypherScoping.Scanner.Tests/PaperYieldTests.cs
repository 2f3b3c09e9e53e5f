using CypherScoping.Contracts;
using Xunit.Abstractions;

namespace CypherScoping.Scanner.Tests;

/// <summary>
/// What the paper run will see: one position per symbol, entered at the signal's close, left at the stop or the
/// take-profit (checked on later candles' high/low, stop first when both are inside one candle).
/// </summary>
public class PaperYieldTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(42)]
    [InlineData(7)]
    [InlineData(2026)]
    public async Task Default_simulation_opens_100_positions_within_1500_cycles(long seed)
    {
        using var engine = ScannerTestKit.Engine(ScannerTestKit.Sim(seed));
        var open = new Dictionary<string, (PositionSide Side, decimal Entry, decimal Stop, decimal Tp)>(StringComparer.Ordinal);
        var entries = 0;
        var signals = 0;
        var r = new List<double>();
        var holding = new List<int>();
        var openedAt = new Dictionary<string, int>(StringComparer.Ordinal);
        var entriesAt1500 = 0;
        for (var cycle = 1; cycle <= 1500; cycle++)
        {
            var step = await engine.StepAsync(CancellationToken.None);
            foreach (var s in step.Results)
            {
                var c = s.Candle!;
                if (open.TryGetValue(s.Symbol, out var p))
                {
                    var risk = Math.Abs(p.Entry - p.Stop);
                    var stopped = p.Side == PositionSide.Long ? c.Low <= p.Stop : c.High >= p.Stop;
                    var target = p.Side == PositionSide.Long ? c.High >= p.Tp : c.Low <= p.Tp;
                    if (stopped || target)
                    {
                        r.Add(stopped ? -1 : (double)(Math.Abs(p.Tp - p.Entry) / risk));
                        holding.Add(cycle - openedAt[s.Symbol]);
                        open.Remove(s.Symbol);
                    }
                }

                if (s.Signal is { } sig)
                {
                    signals++;
                    if (!open.ContainsKey(s.Symbol))
                    {
                        open[s.Symbol] = (sig.Side, sig.EntryPrice, sig.StopLoss, sig.TakeProfit);
                        openedAt[s.Symbol] = cycle;
                        entries++;
                    }
                }
            }

            if (cycle == 1500)
            {
                entriesAt1500 = entries;
            }
        }

        double peak = 0, equity = 0, drawdown = 0;
        foreach (var x in r)
        {
            equity += x;
            peak = Math.Max(peak, equity);
            drawdown = Math.Max(drawdown, peak - equity);
        }

        output.WriteLine($"seed {seed}: {signals} signals, {entriesAt1500} entries (flat symbols only) in 1500 cycles; closed {r.Count}, " +
                         $"win rate {r.Count(x => x > 0) / (double)r.Count:P1}, expectancy {r.Average():0.000}R, total {r.Sum():0.0}R, " +
                         $"max drawdown {drawdown:0.0}R, mean holding {holding.Average():0.0} candles, max concurrent open {open.Count}");
        Assert.True(entriesAt1500 >= 150, $"only {entriesAt1500} entries in 1,500 cycles");
    }
}
