using CypherScoping.Contracts;
using CypherScoping.Domain;
using CypherScoping.Executor.Domain;
using CypherScoping.TestKit.Builders;

namespace CypherScoping.Executor.Tests;

public sealed class OrderGateTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 5, 12, 0, 0, TimeSpan.Zero);
    private static readonly SymbolPolicy Policy = new SymbolOptions().CreatePolicy();

    private static Refusal? Check(bool reduceOnly = false, TradingState state = TradingState.Active, TradingMode mode = TradingMode.Paper, IReadOnlyList<string>? missing = null, string symbol = "ETHUSDTM", DateTimeOffset? pausedUntil = null, TimeSpan? age = null, int leverage = 5) =>
        OrderGate.Check(OrderBuilders.Approved(Now - (age ?? TimeSpan.Zero), symbol: symbol, reduceOnly: reduceOnly, leverage: leverage), Now, new TradingStateView(state, pausedUntil, Now), Policy, mode, missing ?? []);

    [Fact]
    public void Live_mode_without_credentials_is_refused_naming_the_missing_variables()
    {
        var refusal = Check(mode: TradingMode.Live, missing: ["KUCOIN_API_SECRET"]);

        Assert.Equal(ErrorCodes.MissingCredentials, refusal!.ErrorCode);
        Assert.Contains("KUCOIN_API_SECRET", refusal.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Live_mode_with_credentials_passes() => Assert.Null(Check(mode: TradingMode.Live));

    [Fact]
    public void An_approval_exactly_at_its_expiry_is_refused() =>
        Assert.Equal(ErrorCodes.OrderExpired, Check(age: TimeSpan.FromMinutes(5))!.ErrorCode);

    [Theory]
    [InlineData(TradingState.Halted, ErrorCodes.TradingHalted)]
    [InlineData(TradingState.Paused, ErrorCodes.TradingPaused)]
    [InlineData(TradingState.Reducing, ErrorCodes.TradingReducing)]
    public void Entries_are_refused_outside_active_but_exits_pass(TradingState state, string code)
    {
        Assert.Equal(code, Check(state: state, pausedUntil: Now.AddHours(1))!.ErrorCode);
        Assert.Null(Check(reduceOnly: true, state: state, pausedUntil: Now.AddHours(1)));
    }

    [Fact]
    public void A_pause_whose_time_is_up_no_longer_refuses() =>
        Assert.Null(Check(state: TradingState.Paused, pausedUntil: Now.AddSeconds(-1)));

    [Theory]
    [InlineData("XBTUSDTM")]
    [InlineData("BTC/USDT")]
    [InlineData("xbt-usdt")]
    [InlineData("BTCUSDT")]
    public void Bitcoin_in_any_spelling_is_refused_even_for_an_exit(string symbol) =>
        Assert.Equal(ErrorCodes.SymbolDenied, Check(symbol: symbol, reduceOnly: true)!.ErrorCode);

    [Fact]
    public void Leverage_at_the_hard_ceiling_of_20_passes() => Assert.Null(Check(leverage: 20));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Leverage_above_20_is_refused_naming_the_leverage_and_the_ceiling(bool reduceOnly)
    {
        var refusal = Check(leverage: 21, reduceOnly: reduceOnly);

        Assert.Equal(ErrorCodes.LeverageLimit, refusal!.ErrorCode);
        Assert.Contains("leverage 21x", refusal.Reason, StringComparison.Ordinal);
        Assert.Contains("ceiling of 20x", refusal.Reason, StringComparison.Ordinal);
    }
}
