using CypherScoping.Contracts;
using CypherScoping.Domain;
using CypherScoping.Exchange;
using CypherScoping.Exchange.KuCoin;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CypherScoping.Executor.Execution;

/// <summary>
/// Break-glass flatten (<c>cypher flatten --direct</c>): no bus, no database — build the exchange client from the
/// operator's configuration and flatten it with <see cref="Flattener"/>. Paper mode has no exchange outside the running
/// executor, so there is nothing to flatten directly.
/// </summary>
public static class DirectFlatten
{
    public enum Result
    {
        Flat = 0,
        NotFlat = 1,
        InvalidConfig = 2,
        NothingToDo = 3,
    }

    public static async Task<Result> RunAsync(IConfiguration configuration, string? symbol, int attempts, TextWriter output, CancellationToken cancellationToken)
    {
        var mode = configuration.GetSection(TradingOptions.SectionName).Get<TradingOptions>()?.Mode ?? TradingMode.Paper;
        if (mode != TradingMode.Live)
        {
            await output.WriteLineAsync("TRADING_MODE=paper: paper positions live inside the running executor (use the bus flatten); there is no exchange account to flatten directly.");
            return Result.NothingToDo;
        }

        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        services.AddKuCoinExchange(configuration);
        await using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<KuCoinOptions>>().Value;
        var problems = options.Validate(live: true);
        if (problems.Count > 0)
        {
            foreach (var problem in problems)
            {
                await output.WriteLineAsync(problem);
            }

            return Result.InvalidConfig;
        }

        var exchange = provider.GetRequiredService<IExchange>();
        await output.WriteLineAsync($"Flattening {symbol ?? "every symbol"} on {options.BaseUrl} (max {attempts} rounds)…");
        var report = await new Flattener(exchange, attempts, TimeSpan.FromSeconds(1))
            .FlattenAsync(symbol, closePositions: true, nonce: "direct" + Guid.NewGuid().ToString("N"), cancellationToken);
        foreach (var action in report.Actions)
        {
            await output.WriteLineAsync("  " + action);
        }

        await output.WriteLineAsync(report.IsFlat
            ? $"FLAT: closed {report.ClosedPositions} positions, cancelled {report.CancelledOrders} orders in {report.Attempts} rounds."
            : $"NOT FLAT after {report.Attempts} rounds: {report.RemainingPositions.Count} positions and {report.RemainingOrders.Count} orders remain.");
        foreach (var p in report.RemainingPositions)
        {
            await output.WriteLineAsync($"  still open: {p.Symbol} {p.CurrentQty} lots @ {p.AvgEntryPrice}");
        }

        foreach (var o in report.RemainingOrders)
        {
            await output.WriteLineAsync($"  still open order: {o.Symbol} {o.Side} {o.Size} ({o.ClientOid}{(o.Stop is null ? string.Empty : ", stop")})");
        }

        return report.IsFlat ? Result.Flat : Result.NotFlat;
    }
}
