using CypherScoping.Contracts;
using CypherScoping.Domain;
using CypherScoping.Exchange;
using CypherScoping.Exchange.KuCoin;
using CypherScoping.Exchange.Paper;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CypherScoping.Executor.Workers;

/// <summary>
/// Safety invariant, checked before the Executor takes a message: in paper mode its orders never go to KuCoin,
/// and in live mode they never go to the paper exchange. A host where another service registered the exchange
/// port differently (one process, shared container) refuses to start instead of trading on the wrong venue.
/// </summary>
public sealed class ExchangeModeGuard(IExchange exchange, IOptions<TradingOptions> trading) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var problem = Check(trading.Value.Mode, exchange);
        return problem is null ? Task.CompletedTask : throw new InvalidOperationException(problem);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public static string? Check(TradingMode mode, IExchange exchange) => (mode, exchange) switch
    {
        (TradingMode.Paper, KuCoinFuturesExchange) =>
            $"{ErrorCodes.InvalidConfig}: TRADING_MODE=paper but the executor's exchange is the KuCoin client; paper orders must go to the paper exchange",
        (TradingMode.Live, PaperExchange) =>
            $"{ErrorCodes.InvalidConfig}: TRADING_MODE=live but the executor's exchange is the paper exchange",
        _ => null,
    };
}
