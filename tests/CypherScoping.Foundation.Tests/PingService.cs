using CypherScoping.Contracts;
using CypherScoping.Messaging;
using CypherScoping.Persistence;
using Dapper;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CypherScoping.Foundation.Tests;

/// <summary>A test-only message; lives in the test assembly so no real queue ever sees it.</summary>
public sealed record Ping : ICypherMessage
{
    public required Guid CorrelationId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required decimal Amount { get; init; }
}

/// <summary>Counts deliveries (not side effects) so tests can tell redelivery from a lost message.</summary>
public sealed class DeliveryCounter
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public void Increment() => Interlocked.Increment(ref _count);
}

/// <summary>An idempotent consumer in the shape every service uses: inbox row + side effect in one transaction.</summary>
public sealed class PingConsumer([FromKeyedServices(PingService.Name)] ServiceDatabase database, DeliveryCounter counter, TimeProvider time, HeaderLog? headers = null) : IConsumer<Ping>
{
    public async Task Consume(ConsumeContext<Ping> context)
    {
        var (connection, transaction) = await database.BeginAsync(context.CancellationToken);
        await using (connection)
        await using (transaction)
        {
            if (await Inbox.TryAcceptAsync(connection, transaction, nameof(PingConsumer), context.MessageId!.Value.ToString(), time.GetUtcNow()))
            {
                await connection.ExecuteAsync(
                    "INSERT INTO side_effects (message_key, amount, created_at) VALUES (@key, @amount, @at)",
                    new { key = context.MessageId.Value.ToString(), amount = context.Message.Amount, at = time.GetUtcNow() },
                    transaction);
            }

            await transaction.CommitAsync(context.CancellationToken);
        }

        headers?.ByAmount.TryAdd(context.Message.Amount, context.Headers.Get<string>(CypherHeaders.Service) ?? string.Empty);
        counter.Increment();
    }
}

public static class PingService
{
    public const string Name = "foundation";

    public static IHostApplicationBuilder AddPingService(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase(Name, typeof(PingService).Assembly);
        builder.Services.AddSingleton<DeliveryCounter>();
        builder.Services.AddCypherConsumer<PingConsumer>(Name);
        return builder;
    }

    public static async Task<int> SideEffectsAsync(IServiceProvider services, string messageKey)
    {
        var database = services.GetRequiredKeyedService<ServiceDatabase>(Name);
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM side_effects WHERE message_key = @messageKey", new { messageKey });
    }

    public static Ping NewPing(decimal amount = 1.25m) => new() { CorrelationId = Guid.NewGuid(), OccurredAt = DateTimeOffset.UnixEpoch, Amount = amount };

    public static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out waiting for {what}");
            }

            await Task.Delay(50);
        }
    }
}
