using CypherScoping.Contracts;
using CypherScoping.Domain;
using CypherScoping.Risk.Domain;
using FsCheck.Xunit;
using Xunit;

namespace CypherScoping.Risk.Tests;

public class PositionSizerTests
{
    private static readonly ContractTerms Eth = new() { Multiplier = 0.01m, LotSize = 1m, MaxOrderQty = 1_000_000m, TickSize = 0.01m, MaxLeverage = 100 };
    private static readonly ContractTerms Btc = new() { Multiplier = 0.001m, LotSize = 1m, MaxOrderQty = 1_000_000m, TickSize = 0.1m, MaxLeverage = 125 };

    private static SizingRequest Request(decimal equity, decimal entry, decimal stop, decimal openMargin = 0m, PositionSide side = PositionSide.Long,
        ContractTerms? contract = null, decimal risk = 0.02m, decimal exposure = 0.8m, decimal minBase = 0.01m, int cap = 5) =>
        new(equity, openMargin, side, entry, stop, contract ?? Eth, risk, exposure, minBase, cap);

    // Worked example 1 — paper defaults, 10 000 USDT, ETH long 2000 → stop 1960.
    // loss per ETH = 40 + 0.0006 × (2000 + 1960) = 42.376; budget = 200; lots = floor(200 / (42.376 × 0.01)) = 471
    // notional = 471 × 0.01 × 2000 = 9420; room = 8000 → leverage = ceil(9420 / 8000) = 2; margin = 4710; loss = 4.71 × 42.376 = 199.59096
    [Fact]
    public void Worked_example_1_risk_budget_decides_the_size()
    {
        var o = PositionSizer.Size(Request(10_000m, 2000m, 1960m)).Order!;
        Assert.Equal(471m, o.Lots);
        Assert.Equal(4.71m, o.SizeBase);
        Assert.Equal(9420m, o.Notional);
        Assert.Equal(2, o.Leverage);
        Assert.Equal(4710m, o.InitialMargin);
        Assert.Equal(199.59096m, o.LossAtStop);
    }

    // Worked example 2 — 7000 USDT margin already open: room = 8000 − 7000 = 1000; at the 5x cap 5000 notional = 250 lots
    // leverage = ceil(5000 / 1000) = 5; margin 1000; exposure (7000 + 1000) / 10000 = 0.8 exactly; loss = 2.5 × 42.376 = 105.94
    [Fact]
    public void Worked_example_2_exposure_room_caps_the_size()
    {
        var o = PositionSizer.Size(Request(10_000m, 2000m, 1960m, openMargin: 7000m)).Order!;
        Assert.Equal(250m, o.Lots);
        Assert.Equal(5000m, o.Notional);
        Assert.Equal(5, o.Leverage);
        Assert.Equal(1000m, o.InitialMargin);
        Assert.Equal(105.94m, o.LossAtStop);
    }

    // Worked example 3 — 100 USDT: budget 2 → floor(2 / 0.42376) = 4 lots (0.04 ETH); notional 80; room 80 → 1x; loss 1.69504
    [Fact]
    public void Worked_example_3_small_account()
    {
        var o = PositionSizer.Size(Request(100m, 2000m, 1960m)).Order!;
        Assert.Equal(4m, o.Lots);
        Assert.Equal(0.04m, o.SizeBase);
        Assert.Equal(80m, o.Notional);
        Assert.Equal(1, o.Leverage);
        Assert.Equal(80m, o.InitialMargin);
        Assert.Equal(1.69504m, o.LossAtStop);
    }

    // Worked example 4 — bitcoin-like contract, 50 USDT: budget 1; one lot loses 0.001 × (1200 + 0.0006 × 118800) = 1.27128 > 1 → E_SIZE_BELOW_MIN
    [Fact]
    public void Worked_example_4_budget_below_one_lot_is_denied()
    {
        var r = PositionSizer.Size(Request(50m, 60_000m, 58_800m, contract: Btc));
        Assert.Equal(ErrorCodes.SizeBelowMin, r.ErrorCode);
    }

    // Worked example 5 — MIN_POSITION_SIZE 5 ETH needs 500 lots but the budget allows 471 → E_SIZE_BELOW_MIN
    [Fact]
    public void Worked_example_5_minimum_position_size_in_base_units()
    {
        Assert.Equal(ErrorCodes.SizeBelowMin, PositionSizer.Size(Request(10_000m, 2000m, 1960m, minBase: 5m)).ErrorCode);
        Assert.True(PositionSizer.Size(Request(10_000m, 2000m, 1960m, minBase: 4.71m)).IsSized);
    }

    // Worked example 6 — 8000 USDT margin open at exposure 0.8 of 10 000: no room → E_EXPOSURE_LIMIT
    [Fact]
    public void Worked_example_6_full_exposure_is_denied()
    {
        Assert.Equal(ErrorCodes.ExposureLimit, PositionSizer.Size(Request(10_000m, 2000m, 1960m, openMargin: 8000m)).ErrorCode);
    }

    // Worked example 7 — room 10 USDT, one lot = 20 USDT notional needs 2x; MAX_LEVERAGE 1 → E_LEVERAGE_LIMIT
    [Fact]
    public void Worked_example_7_minimum_needs_more_leverage_than_allowed()
    {
        Assert.Equal(ErrorCodes.LeverageLimit, PositionSizer.Size(Request(10_000m, 2000m, 1960m, openMargin: 7990m, cap: 1)).ErrorCode);
        Assert.Equal(2, PositionSizer.Size(Request(10_000m, 2000m, 1960m, openMargin: 7990m, cap: 2)).Order!.Leverage);
    }

    // Worked example 8 — short, prices off-tick: entry 2000.004 → 2000.00; stop 2040.001 → 2040.01 (rounded away from entry)
    // loss per ETH = 40.01 + 0.0006 × 4040.01 = 42.434006; lots = floor(200 / 0.42434006) = 471; loss = 199.86416826
    [Fact]
    public void Worked_example_8_short_rounds_prices_to_the_tick_conservatively()
    {
        var o = PositionSizer.Size(Request(10_000m, 2000.004m, 2040.001m, side: PositionSide.Short)).Order!;
        Assert.Equal(2000.00m, o.Entry);
        Assert.Equal(2040.01m, o.Stop);
        Assert.Equal(471m, o.Lots);
        Assert.Equal(199.86416826m, o.LossAtStop);
    }

    [Fact]
    public void Wide_stop_caps_leverage_so_liquidation_lies_beyond_the_stop()
    {
        // stop 25 % away: 0.8 / 0.25 = 3.2 → at most 3x even though the cap is 20x
        var o = PositionSizer.Size(Request(10_000m, 100m, 75m, openMargin: 7900m, cap: 20, contract: Eth with { TickSize = 0.001m })).Order!;
        Assert.True(o.Leverage <= 3);
        Assert.Equal(3, o.LeverageCeiling);
    }

    [Fact]
    public void Contract_maximum_leverage_is_a_ceiling()
    {
        var o = PositionSizer.Size(Request(10_000m, 2000m, 1960m, openMargin: 7000m, cap: 20, contract: Eth with { MaxLeverage = 3 })).Order!;
        Assert.Equal(3, o.Leverage);
        Assert.Equal(150m, o.Lots); // 1000 room × 3 / 20 per lot
    }

    [Fact]
    public void Lots_never_exceed_the_contract_maximum_order()
    {
        Assert.Equal(100m, PositionSizer.Size(Request(10_000m, 2000m, 1960m, contract: Eth with { MaxOrderQty = 100.7m })).Order!.Lots);
    }

    [Property(MaxTest = 3000)]
    public void Sized_orders_respect_every_limit(int seed)
    {
        var rng = new Random(seed);
        var multipliers = new[] { 0.001m, 0.01m, 0.1m, 1m, 10m, 100m };
        var ticks = new[] { 0.00001m, 0.001m, 0.01m, 0.1m, 1m };
        var equity = Math.Round((decimal)Math.Pow(10, rng.NextDouble() * 7), 2) + 1m;
        var tick = ticks[rng.Next(ticks.Length)];
        var entry = Math.Max(tick * 10, Math.Round((decimal)Math.Pow(10, (rng.NextDouble() * 9) - 3), 5));
        var distance = (decimal)(0.001 + (rng.NextDouble() * 0.5));
        var side = rng.Next(2) == 0 ? PositionSide.Long : PositionSide.Short;
        var stop = side == PositionSide.Long ? entry * (1 - distance) : entry * (1 + distance);
        var contract = new ContractTerms
        {
            Multiplier = multipliers[rng.Next(multipliers.Length)],
            LotSize = rng.Next(4) == 0 ? 10m : 1m,
            MaxOrderQty = rng.Next(1, 100_000),
            TickSize = tick,
            MaxLeverage = rng.Next(1, 126),
            TakerFeeRate = rng.Next(3) * 0.0003m,
        };
        var risk = 0.001m + ((decimal)rng.NextDouble() * 0.05m);
        var exposure = 0.1m + ((decimal)rng.NextDouble() * 2m);
        var open = equity * exposure * (decimal)rng.NextDouble() * 1.1m;
        var cap = rng.Next(1, 21);
        var minBase = rng.Next(3) == 0 ? 0m : 0.01m;
        var result = PositionSizer.Size(new SizingRequest(equity, open, side, entry, stop, contract, risk, exposure, minBase, cap));
        if (result.Order is not { } o)
        {
            Assert.NotNull(result.ErrorCode);
            return;
        }

        Assert.True(o.LossAtStop <= equity * risk, $"loss {o.LossAtStop} > budget {equity * risk}");
        Assert.True(open + o.InitialMargin <= equity * exposure, $"exposure {(open + o.InitialMargin) / equity} > {exposure}");
        Assert.True(o.Leverage >= 1 && o.Leverage <= cap && o.Leverage <= contract.MaxLeverage && o.Leverage <= 20, $"leverage {o.Leverage}");
        Assert.True(o.Leverage == 1 || o.Leverage * Math.Abs(o.Entry - o.Stop) / o.Entry <= PositionSizer.LiquidationBuffer, "liquidation before stop");
        Assert.True(o.Lots >= contract.LotSize && o.Lots % contract.LotSize == 0m && o.Lots <= contract.MaxOrderQty, $"lots {o.Lots}");
        Assert.True(o.SizeBase >= minBase, $"size {o.SizeBase} below minimum {minBase}");
        Assert.Equal(0m, o.Entry % tick);
        Assert.Equal(0m, o.Stop % tick);
        Assert.True(side == PositionSide.Long ? o.Stop <= stop : o.Stop >= stop, "stop rounded towards the entry");
        Assert.Equal(o.Lots * contract.Multiplier * o.Entry, o.Notional);
    }
}
