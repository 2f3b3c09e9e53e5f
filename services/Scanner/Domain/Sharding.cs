using System.Globalization;
using System.Text.RegularExpressions;

namespace CypherScoping.Scanner.Domain;

/// <summary>
/// Splits the trading universe between scanner shards: symbols sorted ordinally and dealt round-robin, so every
/// symbol is in exactly one shard and shard sizes differ by at most one.
/// </summary>
public static partial class Sharding
{
    public static IReadOnlyList<string> ShardOf(IEnumerable<string> universe, int shardIndex, int shardCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shardCount, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(shardIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(shardIndex, shardCount);
        return universe.Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .Where((_, i) => i % shardCount == shardIndex)
            .ToList();
    }

    /// <summary>The ordinal at the end of a StatefulSet pod name (scanner-2 → 2), or null.</summary>
    public static int? OrdinalFromHostName(string? hostName)
    {
        if (string.IsNullOrWhiteSpace(hostName))
        {
            return null;
        }

        var match = TrailingOrdinal().Match(hostName.Trim());
        return match.Success && int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var ordinal) ? ordinal : null;
    }

    [GeneratedRegex(@"-(\d{1,6})$")]
    private static partial Regex TrailingOrdinal();
}
