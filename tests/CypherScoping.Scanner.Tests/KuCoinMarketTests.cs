using CypherScoping.Contracts.Market;
using CypherScoping.Exchange;
using CypherScoping.TestKit;
using CypherScoping.TestKit.FakeKuCoin;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CypherScoping.Scanner.Tests;

/// <summary>The KuCoin market source through the real KuCoin client against the fake KuCoin server (loopback).</summary>
public class KuCoinMarketTests
{
    [Fact]
    public async Task Kucoin_source_backfills_history_in_pages_scans_closed_candles_only_and_never_asks_for_bitcoin()
    {
        await using var kucoin = await FakeKuCoinServer.StartAsync();
        var now = DateTimeOffset.UtcNow;
        var hour = TimeSpan.FromHours(1);
        var lastClosedOpen = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % hour.Ticks), TimeSpan.Zero) - hour;
        var sol = Batch.Load("SOL-USDT-1h-2024-09_10-binance.csv");
        var shift = lastClosedOpen - sol[^1].OpenTime;
        var candles = sol.Select(c => c with { OpenTime = c.OpenTime + shift }).ToList();
        candles.Add(new Candle(lastClosedOpen + hour, 150, 151, 149, 150.5m, 10)); // still forming: must be ignored
        kucoin.SetCandles("SOLUSDTM", 60, candles);

        var settings = TestHosts.SqliteSettings();
        foreach (var (k, v) in kucoin.ClientSettings())
        {
            settings[k] = v;
        }

        settings["Scanner:Market"] = "kucoin";
        settings["Scanner:IntervalMinutes"] = "60";
        settings["Scanner:HistoryCandles"] = "800";
        settings["Scanner:AutoRun"] = "false";
        settings["Scanner:Symbols"] = "SOLUSDTM,XBTUSDTM";
        using var host = TestHosts.Build("scanner", settings, b => b.AddScanner(), harness: true);
        await host.StartAsync();
        try
        {
            var harness = host.Services.GetRequiredService<ITestHarness>();
            var cycle = host.Services.GetRequiredService<IScanCycle>();
            Assert.Equal(["SOLUSDTM"], cycle.Symbols);
            var result = await cycle.RunOnceAsync(CancellationToken.None);
            Assert.Equal(1, result.SymbolsScanned);
            var scan = Assert.Single(harness.Published.Select<MarketScanned>()).Context.Message;
            Assert.Equal("kucoin", scan.Source);
            Assert.Equal(60, scan.IntervalMinutes);
            Assert.Equal(lastClosedOpen, scan.CandleOpenTime); // the forming candle is never scanned
            Assert.Equal(candles[^2].Close, scan.Close);
            Assert.Equal(800, scan.CandleCount);                // warmed by the back-fill
            Assert.NotNull(scan.Score);

            var klines = kucoin.Requests.Where(r => r.Path.Contains("kline", StringComparison.OrdinalIgnoreCase)).ToList();
            Assert.True(klines.Count >= 2, $"800 candles need at least two pages of ≤ 500 ({klines.Count} requests)");
            Assert.DoesNotContain(kucoin.Requests, r => r.Query is not null && r.Query.Contains("XBT", StringComparison.OrdinalIgnoreCase));

            // Next poll: nothing new has closed, so nothing is scanned twice.
            var again = await cycle.RunOnceAsync(CancellationToken.None);
            Assert.Equal(0, again.SymbolsScanned);
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
