using System.Diagnostics;
using CypherScoping.Alerts;
using CypherScoping.Alerts.Channels;
using CypherScoping.Alerts.Domain;
using CypherScoping.Contracts;
using CypherScoping.Contracts.Orders;
using CypherScoping.Contracts.Operations;
using CypherScoping.Contracts.Risk;
using MassTransit;
using Microsoft.Extensions.Configuration;

namespace CypherScoping.Cli;

public sealed record RollbackReport(
    bool Halted,
    bool Flat,
    bool ProfilePaper,
    PositionsFlattened? Flatten,
    IReadOnlyList<ChannelResult> Alerts,
    string? KubectlCommand,
    int? KubectlExitCode)
{
    public bool Succeeded => Halted && Flat && ProfilePaper && (KubectlExitCode is null or 0);

    public string ToText()
    {
        var lines = new List<string>
        {
            $"{Mark(Halted)}  trading halted",
            $"{Mark(Flat)}  flat on the exchange" + (Flatten is null ? " (no PositionsFlattened answer)" : $" (closed {Flatten.ClosedPositions}, cancelled {Flatten.CancelledOrders} orders, {Flatten.RemainingPositions.Count} still open after {Flatten.Attempts} attempts)"),
            $"{Mark(ProfilePaper)}  risk profile switched to paper",
        };
        lines.AddRange(Alerts.Select(a => $"{Mark(a.Delivered)}  critical alert via {a.Channel}{(a.Delivered ? string.Empty : ": " + a.Error)}"));
        if (KubectlCommand is not null)
        {
            lines.Add($"{Mark(KubectlExitCode == 0)}  ran: {KubectlCommand}");
        }

        lines.Add(Succeeded ? "ROLLBACK COMPLETE: halted, flat, paper profile. Re-arm later with `cypher resume`." : "ROLLBACK INCOMPLETE: see the lines marked FAIL; use `cypher flatten --direct` if positions remain.");
        return string.Join(Environment.NewLine, lines);

        static string Mark(bool ok) => ok ? "PASS" : "FAIL";
    }
}

/// <summary>
/// Phase 6 as one command: halt, flatten (cancel every order, close every position, verified flat by the
/// Executor re-reading the exchange), switch the profile back to paper, send a critical alert, and optionally
/// scale the executor deployment to zero.
/// </summary>
public static class Rollback
{
    public static async Task<RollbackReport> ExecuteAsync(
        IBus bus, IConfiguration configuration, string reason, TimeSpan timeout, string? scaleNamespace, CancellationToken cancellationToken)
    {
        var correlationId = NewId.NextGuid();
        var halted = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var flattened = new TaskCompletionSource<PositionsFlattened>(TaskCreationOptions.RunContinuationsAsynchronously);
        var profile = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);

        var handle = bus.ConnectReceiveEndpoint(new TemporaryEndpointDefinition("rollback"), null, e =>
        {
            e.Handler<TradingStateChanged>(ctx =>
            {
                if (ctx.Message.State == TradingState.Halted)
                {
                    halted.TrySetResult(true);
                }

                return Task.CompletedTask;
            });
            e.Handler<PositionsFlattened>(ctx =>
            {
                if (ctx.Message.CorrelationId == correlationId)
                {
                    flattened.TrySetResult(ctx.Message);
                }

                return Task.CompletedTask;
            });
            e.Handler<RiskProfileChanged>(ctx =>
            {
                if (ctx.Message.ToProfile == "paper")
                {
                    profile.TrySetResult(true);
                }

                return Task.CompletedTask;
            });
        });
        try
        {
            await handle.Ready.WaitAsync(timeout, cancellationToken);
            var now = DateTimeOffset.UtcNow;
            await bus.Publish(new HaltTrading { CommandId = NewId.NextGuid(), CorrelationId = correlationId, OccurredAt = now, Reason = reason, RequestedBy = "rollback" }, cancellationToken);
            await bus.Publish(new FlattenPositions { CommandId = NewId.NextGuid(), CorrelationId = correlationId, OccurredAt = now, Reason = reason, RequestedBy = "rollback" }, cancellationToken);
            await bus.Publish(new ChangeRiskProfile { CommandId = NewId.NextGuid(), CorrelationId = correlationId, OccurredAt = now, Profile = "paper", Reason = reason, RequestedBy = "rollback" }, cancellationToken);

            var isHalted = await Within(halted.Task, timeout, cancellationToken);
            var flatten = await Within(flattened.Task, timeout, cancellationToken);
            var isPaper = await Within(profile.Task, timeout, cancellationToken);

            var fields = new List<AlertField>
            {
                new("Reason", reason),
                new("Halted", isHalted ? "yes" : "NOT CONFIRMED"),
                new("Flat", flatten is { IsFlat: true } ? "yes" : flatten is null ? "NOT CONFIRMED" : $"no: {string.Join(", ", flatten.RemainingPositions.Select(p => $"{p.Symbol} {p.Side} {p.Size}"))}"),
                new("Profile", isPaper ? "paper" : "NOT CONFIRMED"),
            };
            var alert = AlertsClient.Create(
                AlertSeverity.Critical,
                "Rollback executed: trading halted and positions flattened",
                "Investigate before re-arming; `cypher resume` re-arms trading, `cypher flatten --direct` if anything is still open.",
                fields,
                correlationId,
                source: "rollback");
            var alerts = await AlertsClient.SendAsync(configuration, alert, cancellationToken: cancellationToken);

            string? command = null;
            int? exitCode = null;
            if (scaleNamespace is not null)
            {
                (command, exitCode) = await ScaleExecutorToZeroAsync(scaleNamespace, cancellationToken);
            }

            return new RollbackReport(isHalted, flatten is { IsFlat: true }, isPaper, flatten, alerts, command, exitCode);
        }
        finally
        {
            await handle.StopAsync(CancellationToken.None);
        }
    }

    public static async Task<(string Command, int ExitCode)> ScaleExecutorToZeroAsync(string ns, CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo("kubectl") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "-n", ns, "scale", "deployment/executor", "--replicas=0" })
        {
            psi.ArgumentList.Add(arg);
        }

        var command = $"kubectl -n {ns} scale deployment/executor --replicas=0";
        try
        {
            using var process = Process.Start(psi)!;
            await process.WaitForExitAsync(cancellationToken);
            return (command, process.ExitCode);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return (command + " (kubectl not found)", 127);
        }
    }

    internal static async Task<T?> Within<T>(Task<T> task, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            return await task.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            return default;
        }
    }
}

/// <summary>
/// `cypher flatten` (without --direct): ask the running Executor to cancel every order and close every position
/// (FlattenPositions on the bus) and wait for its answer, which it gives only after re-reading the exchange.
/// </summary>
public static class BusFlatten
{
    /// <returns>The Executor's PositionsFlattened, or null when none came within the timeout.</returns>
    public static async Task<PositionsFlattened?> ExecuteAsync(IBus bus, string reason, string? symbol, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bus);
        var correlationId = NewId.NextGuid();
        var flattened = new TaskCompletionSource<PositionsFlattened>(TaskCreationOptions.RunContinuationsAsynchronously);
        var handle = bus.ConnectReceiveEndpoint(new TemporaryEndpointDefinition("flatten"), null, e => e.Handler<PositionsFlattened>(ctx =>
        {
            if (ctx.Message.CorrelationId == correlationId)
            {
                flattened.TrySetResult(ctx.Message);
            }

            return Task.CompletedTask;
        }));
        try
        {
            await handle.Ready.WaitAsync(timeout, cancellationToken);
            await bus.Publish(
                new FlattenPositions { CommandId = NewId.NextGuid(), CorrelationId = correlationId, OccurredAt = DateTimeOffset.UtcNow, Reason = reason, RequestedBy = "cli", Symbol = symbol },
                cancellationToken);
            return await Rollback.Within(flattened.Task, timeout, cancellationToken);
        }
        finally
        {
            await handle.StopAsync(CancellationToken.None);
        }
    }

    public static string ToText(PositionsFlattened? result, TimeSpan timeout) => result switch
    {
        null => $"FAIL  no answer from the executor within {timeout.TotalSeconds:0} s: is it running? Break glass with `cypher flatten --direct`.",
        { IsFlat: true } => $"PASS  flat (verified on the exchange): {result.ClosedPositions} position(s) closed, {result.CancelledOrders} order(s) cancelled, {result.Attempts} attempt(s)",
        _ => $"FAIL  still open after {result.Attempts} attempt(s): {string.Join(", ", result.RemainingPositions.Select(p => $"{p.Symbol} {p.Side} {p.Size}"))}. Retry, or `cypher flatten --direct`.",
    };
}
