using CypherScoping.Executor.Execution;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CypherScoping.Executor.Workers;

/// <summary>
/// Once the bus is up (StartedAsync): reconcile the ledger with the exchange, publish the first AccountSnapshot
/// (so Risk has equity immediately), then let orders through. Orders arriving earlier wait.
/// </summary>
public sealed partial class StartupReconciliationService(Reconciler reconciler, ExecutorReadiness readiness, IBus bus, ILogger<StartupReconciliationService> logger) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        try
        {
            var mismatches = await reconciler.RunAsync(new BusSink(bus), cancellationToken);
            LogDone(logger, mismatches.Count);
        }
        finally
        {
            readiness.MarkReady();
        }
    }

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Executor startup reconciliation done ({Mismatches} position mismatches)")]
    private static partial void LogDone(ILogger logger, int mismatches);
}
