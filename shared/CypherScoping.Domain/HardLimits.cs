namespace CypherScoping.Domain;

/// <summary>Limits no configuration can raise (architecture §5, invariant 5). Risk sizes under them, the Executor refuses above them.</summary>
public static class HardLimits
{
    /// <summary>Leverage never exceeds 20×: configuration above it is refused at start, an approval above it is never sent.</summary>
    public const int MaxLeverage = 20;
}
