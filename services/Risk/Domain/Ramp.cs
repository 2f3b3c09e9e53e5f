using CypherScoping.Contracts;
using CypherScoping.Contracts.Risk;

namespace CypherScoping.Risk.Domain;

/// <summary>One UTC day of trading as the ramp judges it.</summary>
public sealed record DayHealth(DateOnly Day, int Entries, int Wins, int Losses, int BreakerTrips, int ExchangeErrors)
{
    public int ClosedTrades => Wins + Losses;

    public decimal? WinRate => ClosedTrades == 0 ? null : (decimal)Wins / ClosedTrades;

    public static DayHealth Empty(DateOnly day) => new(day, 0, 0, 0, 0, 0);
}

/// <summary>
/// The live ramp (architecture §8): one step (ramp day) forward per healthy day — no breaker trip, no system
/// error, win rate within 5 points of the paper baseline, at least one closed trade — otherwise it holds, and a
/// breaker trip steps back one day. The profile follows the ramp day (1–3 conservative, 4–7 moderate, 8+ normal).
/// </summary>
public static class RampPolicy
{
    public const decimal WinRateTolerance = 0.05m;
    public const int MaxDaysPerRoll = 31;
    public const string Advance = "advance";
    public const string Hold = "hold";
    public const string StepBack = "step_back";

    /// <summary>Judge every finished day since the last evaluation, up to yesterday.</summary>
    public static void Roll(RiskState state, DateOnly today, Func<DateOnly, DayHealth> healthOf, bool enabled, decimal? baseline, DateTimeOffset now, Guid correlationId, List<ICypherMessage> events)
    {
        if (state.RampEvaluatedDay is not { } last || last >= today)
        {
            state.RampEvaluatedDay ??= today;
            return;
        }

        var first = last; // the day last seen was still running then: judge it now
        if (today.DayNumber - first.DayNumber > MaxDaysPerRoll)
        {
            first = today.AddDays(-MaxDaysPerRoll);
        }

        for (var day = first; day < today; day = day.AddDays(1))
        {
            if (enabled && RiskProfiles.IsLive(state.Profile))
            {
                Step(state, healthOf(day), baseline, now, correlationId, events);
            }
        }

        state.RampEvaluatedDay = today;
    }

    /// <summary>Apply one finished day to the ramp.</summary>
    public static void Step(RiskState state, DayHealth day, decimal? baseline, DateTimeOffset now, Guid correlationId, List<ICypherMessage> events)
    {
        var (direction, reason) = Judge(day, baseline);
        var fromDay = Math.Max(state.RampDay, 1);
        var toDay = direction switch
        {
            Advance => fromDay + 1,
            StepBack => Math.Max(1, fromDay - 1),
            _ => fromDay,
        };
        var fromProfile = state.Profile;
        var toProfile = RiskProfiles.ForRampDay(toDay);
        state.RampDay = toDay;
        state.Profile = toProfile;
        events.Add(new RampStepChanged
        {
            CorrelationId = correlationId,
            OccurredAt = now,
            FromProfile = fromProfile,
            ToProfile = toProfile,
            Day = toDay,
            Direction = direction,
            Reason = $"{day.Day:yyyy-MM-dd}: {reason}",
        });
        if (fromProfile != toProfile)
        {
            events.Add(new RiskProfileChanged
            {
                CorrelationId = correlationId,
                OccurredAt = now,
                FromProfile = fromProfile,
                ToProfile = toProfile,
                ChangedBy = "ramp",
                Reason = $"ramp {direction} to day {toDay}",
            });
        }
    }

    public static (string Direction, string Reason) Judge(DayHealth day, decimal? baseline)
    {
        if (day.BreakerTrips > 0)
        {
            return (StepBack, $"{day.BreakerTrips} circuit breaker trip(s)");
        }

        if (day.ExchangeErrors > 0)
        {
            return (Hold, $"{day.ExchangeErrors} system/exchange error(s)");
        }

        if (day.ClosedTrades == 0)
        {
            return (Hold, "no closed trades, no evidence");
        }

        if (baseline is { } b && day.WinRate is { } rate && rate < b - WinRateTolerance)
        {
            return (Hold, $"win rate {rate:P1} is more than 5 points below the baseline {b:P1}");
        }

        return (Advance, $"healthy: {day.ClosedTrades} closed trades, win rate {day.WinRate:P1}, no breaker trip, no error");
    }
}
