using System.Data.Common;
using CypherScoping.Contracts;
using CypherScoping.Executor.Domain;
using CypherScoping.Persistence;
using Dapper;

namespace CypherScoping.Executor.Data;

/// <summary>One order intent as the ledger holds it.</summary>
public sealed class OrderIntent
{
    public required string ClientOrderId { get; init; }
    public required Guid SignalId { get; init; }
    public required Guid CorrelationId { get; init; }
    public required string Purpose { get; init; }
    public required string Symbol { get; init; }
    public required string BaseAsset { get; init; }
    public required string PositionSide { get; init; }
    public required string Side { get; init; }
    public required string OrderType { get; init; }
    public required decimal Size { get; init; }
    public decimal? LimitPrice { get; init; }
    public required decimal EntryPrice { get; init; }
    public required decimal StopLoss { get; init; }
    public required decimal TakeProfit { get; init; }
    public required int Leverage { get; init; }
    public required bool ReduceOnly { get; init; }
    public required decimal RiskAmount { get; init; }
    public required string Status { get; init; }
    public string? ExchangeOrderId { get; init; }
    public string? ErrorCode { get; init; }
    public string? Reason { get; init; }
    public decimal? FilledSize { get; init; }
    public decimal? FillPrice { get; init; }
    public decimal? Fee { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }

    public OrderSide SideValue => Enum.Parse<OrderSide>(Side);

    public PositionSide PositionSideValue => Enum.Parse<PositionSide>(PositionSide);

    public OrderType OrderTypeValue => Enum.Parse<OrderType>(OrderType);
}

/// <summary>A position as the Executor tracks it.</summary>
public sealed class TrackedPosition
{
    public required string PositionId { get; init; }
    public required Guid CorrelationId { get; init; }
    public required string Symbol { get; init; }
    public required string BaseAsset { get; init; }
    public required string Side { get; init; }
    public required decimal Size { get; set; }
    public required decimal Multiplier { get; init; }
    public required decimal EntryPrice { get; set; }
    public required decimal StopLoss { get; init; }
    public required decimal TakeProfit { get; init; }
    public required int Leverage { get; init; }
    public required decimal InitialMargin { get; set; }
    public required decimal RiskAmount { get; init; }
    public required decimal Fees { get; set; }
    public required decimal Funding { get; set; }
    public required decimal ExitSize { get; set; }
    public required decimal ExitValue { get; set; }
    public required decimal RealizedGross { get; set; }
    public required string Status { get; set; }
    public string? ExitReason { get; set; }
    public decimal? RealizedPnl { get; set; }
    public required DateTimeOffset OpenedAt { get; init; }
    public DateTimeOffset? ClosedAt { get; set; }

    public PositionSide SideValue => Enum.Parse<PositionSide>(Side);

    /// <summary>Lots still open.</summary>
    public decimal OpenLots => Size - ExitSize;

    /// <summary>Signed open lots (negative: short), comparable with the exchange's currentQty.</summary>
    public decimal SignedOpenLots => SideValue == PositionSide.Long ? OpenLots : -OpenLots;
}

/// <summary>Ledger figures for the dashboard and the paper gate.</summary>
public sealed record LedgerCounts(int OrdersSent, int OrdersFilled, int OrdersRejected, int OrdersUnknown, int DuplicatesBlocked, IReadOnlyDictionary<string, int> OrdersPerSymbol);

/// <summary>
/// The Executor's tables (order intents, duplicates, positions, fills, trading state) via Dapper; portable between
/// PostgreSQL and SQLite. The intent is inserted with ON CONFLICT DO NOTHING on the unique client order id, so two
/// deliveries racing each other still produce exactly one reservation.
/// </summary>
public sealed class OrderLedger(ServiceDatabase database)
{
    private const string IntentColumns = """
        client_order_id AS ClientOrderId, signal_id AS SignalId, correlation_id AS CorrelationId, purpose AS Purpose,
        symbol AS Symbol, base_asset AS BaseAsset, position_side AS PositionSide, side AS Side, order_type AS OrderType,
        size AS Size, limit_price AS LimitPrice, entry_price AS EntryPrice, stop_loss AS StopLoss, take_profit AS TakeProfit,
        leverage AS Leverage, reduce_only AS ReduceOnly, risk_amount AS RiskAmount, status AS Status,
        exchange_order_id AS ExchangeOrderId, error_code AS ErrorCode, reason AS Reason, filled_size AS FilledSize,
        fill_price AS FillPrice, fee AS Fee, created_at AS CreatedAt, updated_at AS UpdatedAt
        """;

    private const string PositionColumns = """
        position_id AS PositionId, correlation_id AS CorrelationId, symbol AS Symbol, base_asset AS BaseAsset, side AS Side,
        size AS Size, multiplier AS Multiplier, entry_price AS EntryPrice, stop_loss AS StopLoss, take_profit AS TakeProfit,
        leverage AS Leverage, initial_margin AS InitialMargin, risk_amount AS RiskAmount, fees AS Fees, funding AS Funding,
        exit_size AS ExitSize, exit_value AS ExitValue, realized_gross AS RealizedGross, status AS Status,
        exit_reason AS ExitReason, realized_pnl AS RealizedPnl, opened_at AS OpenedAt, closed_at AS ClosedAt
        """;

    public ServiceDatabase Database => database;

    /// <summary>Insert the intent as reserved. False (and nothing written) when the client order id is already known.</summary>
    public async Task<bool> TryReserveAsync(OrderIntent intent, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var inserted = await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO order_intents (client_order_id, signal_id, correlation_id, purpose, symbol, base_asset, position_side, side,
                order_type, size, limit_price, entry_price, stop_loss, take_profit, leverage, reduce_only, risk_amount, status,
                created_at, updated_at)
            VALUES (@ClientOrderId, @SignalId, @CorrelationId, @Purpose, @Symbol, @BaseAsset, @PositionSide, @Side,
                @OrderType, @Size, @LimitPrice, @EntryPrice, @StopLoss, @TakeProfit, @Leverage, @ReduceOnly, @RiskAmount, @Status,
                @CreatedAt, @UpdatedAt)
            ON CONFLICT (client_order_id) DO NOTHING
            """,
            intent,
            cancellationToken: cancellationToken));
        return inserted == 1;
    }

    public async Task<OrderIntent?> GetAsync(string clientOrderId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<OrderIntent>(new CommandDefinition(
            $"SELECT {IntentColumns} FROM order_intents WHERE client_order_id = @clientOrderId",
            new { clientOrderId },
            cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<OrderIntent>> NonFinalAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<OrderIntent>(new CommandDefinition(
            $"SELECT {IntentColumns} FROM order_intents WHERE status IN ('reserved', 'sent', 'unknown', 'accepted') ORDER BY created_at, client_order_id",
            cancellationToken: cancellationToken));
        return rows.ToList();
    }

    public async Task SetStatusAsync(string clientOrderId, string status, DateTimeOffset at, string? exchangeOrderId = null, string? errorCode = null, string? reason = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE order_intents
               SET status = @status,
                   exchange_order_id = COALESCE(@exchangeOrderId, exchange_order_id),
                   error_code = COALESCE(@errorCode, error_code),
                   reason = COALESCE(@reason, reason),
                   updated_at = @at
             WHERE client_order_id = @clientOrderId
            """,
            new { clientOrderId, status, exchangeOrderId, errorCode, reason, at },
            cancellationToken: cancellationToken));
    }

    public async Task MarkFilledAsync(string clientOrderId, string exchangeOrderId, decimal filledSize, decimal fillPrice, decimal fee, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE order_intents
               SET status = 'filled', exchange_order_id = @exchangeOrderId, filled_size = @filledSize, fill_price = @fillPrice, fee = @fee, updated_at = @at
             WHERE client_order_id = @clientOrderId
            """,
            new { clientOrderId, exchangeOrderId, filledSize, fillPrice, fee, at },
            cancellationToken: cancellationToken));
    }

    public async Task RecordDuplicateAsync(string clientOrderId, string existingStatus, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO duplicate_blocks (client_order_id, existing_status, blocked_at) VALUES (@clientOrderId, @existingStatus, @at)",
            new { clientOrderId, existingStatus, at },
            cancellationToken: cancellationToken));
    }

    /// <summary>Record a fill once (by trade id). False when it was already recorded.</summary>
    public async Task<bool> TryRecordFillAsync(Exchange.Fill fill, string? clientOrderId, string reason, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var inserted = await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO fills (trade_id, order_id, client_order_id, symbol, side, price, size, fee, liquidity, reason, traded_at)
            VALUES (@TradeId, @OrderId, @clientOrderId, @Symbol, @side, @Price, @Size, @Fee, @Liquidity, @reason, @TradeTime)
            ON CONFLICT (trade_id) DO NOTHING
            """,
            new { fill.TradeId, fill.OrderId, clientOrderId, fill.Symbol, side = fill.Side.ToString(), fill.Price, fill.Size, fill.Fee, fill.Liquidity, reason, fill.TradeTime },
            cancellationToken: cancellationToken));
        return inserted == 1;
    }

    /// <summary>The next AccountSnapshot number (1, 2, …), durable across restarts.</summary>
    public async Task<long> NextSnapshotSequenceAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "UPDATE snapshot_sequence SET value = value + 1 WHERE id = 1 RETURNING value",
            cancellationToken: cancellationToken));
    }

    public async Task<TrackedPosition?> OpenPositionAsync(string symbol, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QueryFirstOrDefaultAsync<TrackedPosition>(new CommandDefinition(
            $"SELECT {PositionColumns} FROM positions WHERE status = 'open' AND symbol = @symbol ORDER BY opened_at",
            new { symbol },
            cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<TrackedPosition>> OpenPositionsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<TrackedPosition>(new CommandDefinition(
            $"SELECT {PositionColumns} FROM positions WHERE status = 'open' ORDER BY symbol, opened_at",
            cancellationToken: cancellationToken));
        return rows.ToList();
    }

    public async Task<IReadOnlyList<TrackedPosition>> ClosedPositionsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<TrackedPosition>(new CommandDefinition(
            $"SELECT {PositionColumns} FROM positions WHERE status = 'closed' ORDER BY closed_at, position_id",
            cancellationToken: cancellationToken));
        return rows.ToList();
    }

    /// <summary>Insert a new position or overwrite the tracked one (same id).</summary>
    public async Task SavePositionAsync(TrackedPosition position, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO positions (position_id, correlation_id, symbol, base_asset, side, size, multiplier, entry_price, stop_loss, take_profit,
                leverage, initial_margin, risk_amount, fees, funding, exit_size, exit_value, realized_gross, status, exit_reason, realized_pnl,
                opened_at, closed_at)
            VALUES (@PositionId, @CorrelationId, @Symbol, @BaseAsset, @Side, @Size, @Multiplier, @EntryPrice, @StopLoss, @TakeProfit,
                @Leverage, @InitialMargin, @RiskAmount, @Fees, @Funding, @ExitSize, @ExitValue, @RealizedGross, @Status, @ExitReason, @RealizedPnl,
                @OpenedAt, @ClosedAt)
            ON CONFLICT (position_id) DO UPDATE SET
                size = excluded.size, entry_price = excluded.entry_price, initial_margin = excluded.initial_margin, fees = excluded.fees,
                funding = excluded.funding, exit_size = excluded.exit_size, exit_value = excluded.exit_value,
                realized_gross = excluded.realized_gross, status = excluded.status, exit_reason = excluded.exit_reason,
                realized_pnl = excluded.realized_pnl, closed_at = excluded.closed_at
            """,
            position,
            cancellationToken: cancellationToken));
    }

    public async Task<TradingStateView?> GetTradingStateAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<(string Value, long? PausedUntil, long UpdatedAt)>(new CommandDefinition(
            "SELECT value, paused_until, updated_at FROM executor_state WHERE key = 'trading_state'",
            cancellationToken: cancellationToken));
        if (row.Value is null)
        {
            return null;
        }

        return new TradingStateView(
            Enum.Parse<TradingState>(row.Value),
            row.PausedUntil is { } p ? DateTimeOffset.FromUnixTimeMilliseconds(p) : null,
            DateTimeOffset.FromUnixTimeMilliseconds(row.UpdatedAt));
    }

    public async Task SaveTradingStateAsync(TradingStateView state, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO executor_state (key, value, paused_until, updated_at) VALUES ('trading_state', @value, @pausedUntil, @updatedAt)
            ON CONFLICT (key) DO UPDATE SET value = excluded.value, paused_until = excluded.paused_until, updated_at = excluded.updated_at
            """,
            new { value = state.State.ToString(), pausedUntil = state.PausedUntil?.ToUnixTimeMilliseconds(), updatedAt = state.UpdatedAt.ToUnixTimeMilliseconds() },
            cancellationToken: cancellationToken));
    }

    public async Task<LedgerCounts> CountsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var byStatus = (await connection.QueryAsync<(string Status, long Count)>(new CommandDefinition(
                "SELECT status, COUNT(*) FROM order_intents GROUP BY status", cancellationToken: cancellationToken)))
            .ToDictionary(r => r.Status, r => (int)r.Count, StringComparer.Ordinal);
        var perSymbol = (await connection.QueryAsync<(string Symbol, long Count)>(new CommandDefinition(
                "SELECT symbol, COUNT(*) FROM order_intents WHERE status IN ('accepted', 'filled', 'cancelled') AND exchange_order_id IS NOT NULL GROUP BY symbol ORDER BY symbol",
                cancellationToken: cancellationToken)))
            .ToDictionary(r => r.Symbol, r => (int)r.Count, StringComparer.Ordinal);
        var duplicates = await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM duplicate_blocks", cancellationToken: cancellationToken));
        return new LedgerCounts(
            OrdersSent: perSymbol.Values.Sum(),
            OrdersFilled: byStatus.GetValueOrDefault(IntentStatus.Filled),
            OrdersRejected: byStatus.GetValueOrDefault(IntentStatus.Rejected),
            OrdersUnknown: byStatus.GetValueOrDefault(IntentStatus.Unknown),
            DuplicatesBlocked: (int)duplicates,
            OrdersPerSymbol: perSymbol);
    }

    /// <summary>Exposed for tests and tools that need a raw connection (never for other services).</summary>
    public Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default) => database.OpenAsync(cancellationToken);
}
