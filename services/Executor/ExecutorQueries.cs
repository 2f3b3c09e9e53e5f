using CypherScoping.Executor.Data;
using CypherScoping.Persistence;

namespace CypherScoping.Executor;

/// <summary>Read-only helpers over the Executor's own tables, for the dashboard, the paper gate and rollback checks.</summary>
public static class ExecutorQueries
{
    /// <summary>Orders sent (accepted by the exchange), filled, rejected, unknown, duplicates blocked and orders per symbol.</summary>
    public static Task<LedgerCounts> LedgerCountsAsync(ServiceDatabase database, CancellationToken cancellationToken = default) =>
        new OrderLedger(database).CountsAsync(cancellationToken);

    /// <summary>Positions the Executor believes are open.</summary>
    public static Task<IReadOnlyList<TrackedPosition>> OpenPositionsAsync(ServiceDatabase database, CancellationToken cancellationToken = default) =>
        new OrderLedger(database).OpenPositionsAsync(cancellationToken);

    /// <summary>Closed round trips, oldest first.</summary>
    public static Task<IReadOnlyList<TrackedPosition>> ClosedPositionsAsync(ServiceDatabase database, CancellationToken cancellationToken = default) =>
        new OrderLedger(database).ClosedPositionsAsync(cancellationToken);

    /// <summary>Intents not yet final (should be empty when the executor is idle).</summary>
    public static Task<IReadOnlyList<OrderIntent>> PendingIntentsAsync(ServiceDatabase database, CancellationToken cancellationToken = default) =>
        new OrderLedger(database).NonFinalAsync(cancellationToken);
}
