using System.Globalization;
using CypherScoping.Contracts;
using CypherScoping.Exchange;
using CypherScoping.Hosting;
using CypherScoping.Risk.Domain;
using CypherScoping.Scanner.Domain;
using Microsoft.Extensions.Configuration;

namespace CypherScoping.Cli.Commands;

/// <summary>What KuCoin said about the dry-run order sent to its test endpoint (nothing is placed there).</summary>
/// <param name="Answered">False when KuCoin gave no answer (timeout, network): the order's validity is unknown.</param>
public sealed record TestOrderCheck(string ClientOid, bool Accepted, bool Answered, string? ErrorCode, string Detail);

/// <summary>The dry-run order: Risk's sizing for the signal and, on KuCoin with credentials, the exchange's verdict.</summary>
public sealed record DryRunOrder(string Profile, decimal Equity, string EquitySource, SizedOrder? Order, string? DenialCode, string? DenialReason, TestOrderCheck? KuCoinTest, string? Note);

/// <summary>
/// `analyze --dry-run`: the order Risk would size for a signal (Risk's own sizer and the active profile). With
/// `--market kucoin` and real credentials it also sizes from the account's equity and asks KuCoin to validate the
/// order through `POST /api/v1/orders/test`, which checks it without placing it.
/// </summary>
public static class DryRunSizing
{
    private static readonly string[] CredentialKeys = ["KuCoin:ApiKey", "KuCoin:ApiSecret", "KuCoin:ApiPassphrase"];

    public static string Describe(IConfiguration configuration, TradeSignal signal, ContractTerms terms) => Text(Size(configuration, signal, terms, null));

    /// <summary>Credentials that can sign a request: all three set and none a placeholder.</summary>
    public static bool HasCredentials(IConfiguration configuration) =>
        CredentialKeys.All(k => configuration[k] is { } v && !string.IsNullOrWhiteSpace(v) && !ConfigCheck.IsPlaceholder(v));

    /// <summary>Risk's sizing from the configured paper equity, or from the account when one is given.</summary>
    public static DryRunOrder Size(IConfiguration configuration, TradeSignal signal, ContractTerms terms, AccountOverview? account)
    {
        var options = configuration.GetSection(RiskOptions.SectionName).Get<RiskOptions>() ?? new RiskOptions();
        var live = string.Equals(configuration["Trading:Mode"], "live", StringComparison.OrdinalIgnoreCase);
        var profile = options.Profile ?? (live ? "live-conservative" : "paper");
        var limits = RiskLimits.Resolve(options, profile, RiskProfiles.FirstRampDay(profile));
        var (equity, marginUsed, source) = account is not null
            ? (account.AccountEquity, account.PositionMargin + account.OrderMargin, "KuCoin account")
            : (decimal.TryParse(configuration["Paper:InitialEquity"], NumberStyles.Float, CultureInfo.InvariantCulture, out var e) ? e : 10_000m, 0m, "paper equity");
        var sizing = PositionSizer.Size(new SizingRequest(
            equity, marginUsed, signal.Side, signal.EntryPrice, signal.StopLoss, terms, limits.MaxRiskPerTrade, limits.MaxExposureRatio, limits.MinPositionSize, limits.LeverageCap));
        return new DryRunOrder(profile, equity, source, sizing.Order, sizing.ErrorCode, sizing.Order is null ? sizing.Reason : null, null, null);
    }

    /// <summary>
    /// Size from the KuCoin account and validate the order with KuCoin's test endpoint. Exchange failures are
    /// reported in the result (never thrown); nothing is ever placed.
    /// </summary>
    public static async Task<DryRunOrder> CheckWithKuCoinAsync(IConfiguration configuration, IExchange exchange, string symbol, TradeSignal signal, ContractTerms terms, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(exchange);
        AccountOverview account;
        try
        {
            account = await exchange.GetAccountOverviewAsync(cancellationToken);
        }
        catch (ExchangeException ex)
        {
            var paper = Size(configuration, signal, terms, null);
            return paper with { KuCoinTest = new TestOrderCheck(string.Empty, false, ex.HttpStatus is not null, ex.ErrorCode, $"account overview failed: {ex.Message}") };
        }

        var sized = Size(configuration, signal, terms, account);
        if (sized.Order is not { } order)
        {
            return sized with { Note = "risk would deny, so no test order was sent to KuCoin" };
        }

        var request = new PlaceOrderRequest
        {
            ClientOid = "dry" + Guid.NewGuid().ToString("N"),
            Symbol = symbol,
            Side = signal.Side == PositionSide.Long ? OrderSide.Buy : OrderSide.Sell,
            Type = OrderType.Market,
            Size = order.Lots,
            Leverage = order.Leverage,
            StopLossPrice = order.Stop,
            TakeProfitPrice = signal.TakeProfit,
            Remark = "cypher analyze --dry-run",
        };

        PlaceOrderOutcome outcome;
        try
        {
            outcome = await exchange.PlaceTestOrderAsync(request, cancellationToken);
        }
        catch (ExchangeException ex)
        {
            outcome = new PlaceOrderOutcome.Unknown(ex.ErrorCode, ex.Message);
        }

        var check = outcome switch
        {
            PlaceOrderOutcome.Accepted => new TestOrderCheck(request.ClientOid, true, true, null, "KuCoin validated the order (POST /api/v1/orders/test); nothing was placed"),
            PlaceOrderOutcome.Rejected r => new TestOrderCheck(request.ClientOid, false, true, r.ErrorCode, $"KuCoin rejected the order{(r.ExchangeCode is null ? string.Empty : $" (code {r.ExchangeCode})")}: {r.Message}"),
            PlaceOrderOutcome.Unknown u => new TestOrderCheck(request.ClientOid, false, false, u.ErrorCode, $"no answer from KuCoin's test endpoint: {u.Reason}"),
            _ => new TestOrderCheck(request.ClientOid, false, false, null, outcome.ToString()),
        };
        return sized with { KuCoinTest = check };
    }

    public static string Text(DryRunOrder dry)
    {
        var lines = new List<string>
        {
            dry.Order is { } o
                ? string.Create(CultureInfo.InvariantCulture, $"risk would size ({dry.Profile}, {dry.EquitySource} {dry.Equity}): {o.Lots} lots = {o.SizeBase} base, {o.Leverage}x, notional {o.Notional:0.##}, margin {o.InitialMargin:0.##}, loss at stop {o.LossAtStop:0.##} of budget {o.RiskBudget:0.##}")
                : $"risk would deny ({dry.Profile}): {dry.DenialCode} {dry.DenialReason}",
        };
        if (dry.KuCoinTest is { } t)
        {
            lines.Add(t.Accepted ? $"kucoin test order {t.ClientOid}: ACCEPTED — {t.Detail}" : $"kucoin test order{(t.ClientOid.Length > 0 ? " " + t.ClientOid : string.Empty)}: FAILED {t.ErrorCode} — {t.Detail}");
        }

        if (dry.Note is not null)
        {
            lines.Add(dry.Note);
        }

        return string.Join(Environment.NewLine, lines);
    }
}
