using System.Diagnostics;
using System.Text.Json;
using CypherScoping.Auditor.Domain;
using CypherScoping.Cli;

namespace CypherScoping.Integration.Tests;

/// <summary>`cypher paper` end to end: the README's first command, on a machine with no servers and no network.</summary>
public class PaperRunTests
{
    [Fact]
    public async Task Paper_run_of_100_trades_is_clean_and_deterministic()
    {
        var dirA = Path.Combine(Path.GetTempPath(), "cypher-paper-" + Guid.NewGuid().ToString("N"));
        var dirB = Path.Combine(Path.GetTempPath(), "cypher-paper-" + Guid.NewGuid().ToString("N"));

        // Run 1: the real command line, as an operator types it.
        var (exitCode, stdout, stderr) = await RunCliAsync("paper", "--trades", "100", "--seed", "1", "--run-dir", dirA, "--json");
        Assert.True(exitCode == 0, $"cypher paper exited {exitCode}: {stderr}");
        using var gate = JsonDocument.Parse(stdout);
        var criteria = gate.RootElement.GetProperty("criteria").EnumerateArray().ToDictionary(c => c.GetProperty("key").GetString()!, c => c);
        Assert.True(criteria[PaperGate.OrdersPlaced].GetProperty("value").GetDecimal() >= 100);
        Assert.Equal(0m, criteria[PaperGate.SystemErrors].GetProperty("value").GetDecimal());
        Assert.Equal(0m, criteria[PaperGate.DuplicateOrders].GetProperty("value").GetDecimal());
        Assert.Equal(0m, criteria[PaperGate.DeniedSymbolOrders].GetProperty("value").GetDecimal());
        Assert.Equal(0m, criteria[PaperGate.RateLimitErrors].GetProperty("value").GetDecimal());

        // Run 2: same seed through the same code in-process; the audit trail must tell the same story.
        var outcome = await PaperRun.ExecuteAsync(
            new PaperRunOptions { Trades = 100, Seed = 1, RunDirectory = dirB, ShowProgress = false },
            TextWriter.Null,
            CancellationToken.None);

        Assert.Equal(0, outcome.ExitCode);
        var countsA = AuditLog.CountByEventType(Path.Combine(dirA, "audit.log"));
        var countsB = AuditLog.CountByEventType(Path.Combine(dirB, "audit.log"));
        Assert.True(countsA["order_placed"] >= 100);
        Assert.Equal(countsA, countsB);
        Assert.Equal(AuditLog.Pnl(Path.Combine(dirA, "audit.log")), AuditLog.Pnl(Path.Combine(dirB, "audit.log")));
        Assert.Equal(0, AuditLog.Count(Path.Combine(dirA, "audit.log"), "\"baseAsset\":\"BTC\""));

        // The operator's read-only commands on the run's trail, machine-readable.
        var env = Path.Combine(dirA, "operator.env");
        await File.WriteAllTextAsync(env, $"TRADING_MODE=paper\nDatabase__SqliteDirectory={dirA}\n");
        var (verifyExit, verifyOut, verifyErr) = await RunCliAsync("audit", "verify", "--json", "--env-file", env);
        Assert.True(verifyExit == 0, verifyErr);
        using (var verify = JsonDocument.Parse(verifyOut))
        {
            Assert.True(verify.RootElement.GetProperty("intact").GetBoolean());
            Assert.Equal(countsA.Values.Sum(), verify.RootElement.GetProperty("rowsChecked").GetInt64());
        }

        var (monitorExit, monitorOut, monitorErr) = await RunCliAsync("monitor", "--once", "--json", "--env-file", env);
        Assert.True(monitorExit == 0, monitorErr);
        using (var monitor = JsonDocument.Parse(monitorOut))
        {
            Assert.Equal(countsA["order_placed"], monitor.RootElement.GetProperty("ordersPlaced").GetInt64());
            Assert.Equal(0, monitor.RootElement.GetProperty("errors").GetInt64());
            Assert.Equal(10, monitor.RootElement.GetProperty("lastEvents").GetArrayLength());
        }
    }

    [Fact]
    public async Task A_run_whose_market_trips_the_drawdown_breaker_stops_halted_instead_of_trading_on()
    {
        // Seed 5's simulated market costs the strategy 15 % before its 100th order: the drawdown breaker must halt
        // trading (invariant 4) and the run must stop there, not keep placing orders.
        var outcome = await PaperRun.ExecuteAsync(
            new PaperRunOptions { Trades = 100, Seed = 5, RunDirectory = Path.Combine(Path.GetTempPath(), "cypher-paper-" + Guid.NewGuid().ToString("N")), ShowProgress = false },
            TextWriter.Null,
            CancellationToken.None);

        Assert.NotNull(outcome.Result.Progress.HaltReason);
        Assert.Contains("drawdown", outcome.Result.Progress.HaltReason, StringComparison.Ordinal);
        Assert.True(outcome.Result.Progress.OrdersPlaced < 100);
        Assert.Contains("HALTED", outcome.Summary, StringComparison.Ordinal);
        var log = Path.Combine(outcome.Result.RunDirectory, "audit.log");
        var haltedAt = File.ReadLines(log).Select((line, i) => (line, i)).First(x => x.line.Contains("\"status\":\"tripped\"", StringComparison.Ordinal) && x.line.Contains("drawdown breaker", StringComparison.Ordinal)).i;
        Assert.DoesNotContain(File.ReadLines(log).Skip(haltedAt + 1), l => l.Contains("\"eventType\":\"order_placed\"", StringComparison.Ordinal) && !l.Contains("\"reduceOnly\":true", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Replaying_a_month_of_bitcoin_trades_nothing()
    {
        var dir = Path.Combine(Path.GetTempPath(), "cypher-paper-" + Guid.NewGuid().ToString("N"));
        var file = TestKit.SharedData.Candles("BTC-PERP-1m-2022-01-ftx.csv");

        var outcome = await PaperRun.ExecuteAsync(
            new PaperRunOptions { Trades = 100, Market = $"replay:XBTUSDTM={file}", RunDirectory = dir, ShowProgress = false, MaxCycles = 2_000 },
            TextWriter.Null,
            CancellationToken.None);

        Assert.Equal(0, outcome.Result.Progress.OrdersPlaced);
        Assert.Equal(0, outcome.Result.Progress.Signals);
    }

    internal static async Task<(int ExitCode, string Stdout, string Stderr)> RunCliAsync(params string[] args)
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "cypher.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(cli);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        await process.WaitForExitAsync(cts.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}

/// <summary>Reads the JSONL audit log the way the operator's grep scripts do.</summary>
internal static class AuditLog
{
    public static SortedDictionary<string, int> CountByEventType(string path)
    {
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(path))
        {
            using var doc = JsonDocument.Parse(line);
            var type = doc.RootElement.GetProperty("eventType").GetString()!;
            counts[type] = counts.GetValueOrDefault(type) + 1;
        }

        return counts;
    }

    /// <summary>Every event as "time type symbol service", sorted (start-up announcements left out): the trail without its order.</summary>
    public static List<string> Timeline(string path, params string[] skip)
    {
        var events = new List<string>();
        foreach (var line in File.ReadLines(path))
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            var type = root.GetProperty("eventType").GetString()!;
            if (!skip.Contains(type))
            {
                var symbol = root.TryGetProperty("symbol", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : "-";
                events.Add($"{root.GetProperty("timestamp").GetString()} {type} {symbol} {root.GetProperty("service").GetString()}");
            }
        }

        events.Sort(StringComparer.Ordinal);
        return events;
    }

    public static int Count(string path, string fragment) => File.ReadLines(path).Count(l => l.Contains(fragment, StringComparison.Ordinal));

    public static decimal Pnl(string path) => File.ReadLines(path)
        .Where(l => l.Contains("\"eventType\":\"trade_executed\"", StringComparison.Ordinal))
        .Sum(l =>
        {
            using var doc = JsonDocument.Parse(l);
            return doc.RootElement.GetProperty("pnl").GetDecimal();
        });
}

/// <summary>`cypher paper --market kucoin`: KuCoin's market data in real time, orders only ever on the paper exchange.</summary>
public class LiveDataPaperRunTests
{
    [Fact]
    public async Task A_paper_run_on_kucoin_data_trades_on_paper_and_never_sends_an_order_to_kucoin()
    {
        var (served, cut) = SignalCandles.SolEndingOnASignal();
        await using var fake = await TestKit.FakeKuCoin.FakeKuCoinServer.StartAsync();
        fake.SetCandles("SOLUSDTM", 60, served);
        fake.SetPrice("SOLUSDTM", served[^1].Close);
        var overrides = new Dictionary<string, string?>(fake.ClientSettings())
        {
            ["Scanner:Symbols"] = "SOLUSDTM",
            ["Scanner:IntervalMinutes"] = "60",
            ["Scanner:HistoryCandles"] = Math.Min(cut, 800).ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        var dir = Path.Combine(Path.GetTempPath(), "cypher-paper-kucoin-" + Guid.NewGuid().ToString("N"));
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));

        var outcome = await PaperRun.ExecuteAsync(
            new PaperRunOptions { Trades = 1, Market = "kucoin", RunDirectory = dir, ShowProgress = false, Overrides = overrides },
            TextWriter.Null,
            timeout.Token);

        Assert.False(timeout.IsCancellationRequested, "the run did not reach its one order: " + outcome.Summary);
        Assert.Equal(1, outcome.Result.Progress.OrdersPlaced);
        var log = Path.Combine(dir, "audit.log");
        Assert.Contains(File.ReadLines(log), l => l.Contains("\"eventType\":\"market_scan\"", StringComparison.Ordinal) && l.Contains("\"source\":\"kucoin\"", StringComparison.Ordinal));
        Assert.Contains(File.ReadLines(log), l => l.Contains("\"eventType\":\"order_placed\"", StringComparison.Ordinal) && l.Contains("\"mode\":\"paper\"", StringComparison.Ordinal));
        // KuCoin only served data: no order, no stop order, no test order reached it.
        Assert.Equal(0, fake.PlaceOrderCalls);
        Assert.Empty(fake.Orders);
        Assert.Empty(fake.StopOrders);
        Assert.DoesNotContain(fake.Requests, r => r.Method == "POST" || r.Method == "DELETE");
    }
}
