using CypherScoping.Contracts;
using CypherScoping.Contracts.Operations;
using CypherScoping.Domain;
using CypherScoping.Messaging;
using CypherScoping.Persistence;
using CypherScoping.Risk.Domain;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CypherScoping.Risk;

/// <summary>What an operator command did: published to the broker, or applied to the risk database (with the resulting events).</summary>
public sealed record AdminResult(bool Ok, bool PublishedToBroker, IReadOnlyList<ICypherMessage> Events, string Summary);

/// <summary>
/// The operator API over Risk, for the CLI and the one-process host. With Messaging:Transport=RabbitMq commands are
/// published (the running Risk service applies them); otherwise they are applied directly to the risk database through
/// the same engine and domain code, and the resulting events are handed to <c>publish</c> when one is given (one-process
/// host) or returned to the caller. An approval without any way to deliver the order is refused (default deny).
/// </summary>
public sealed class RiskAdmin : IAsyncDisposable
{
    private readonly IConfiguration _configuration;
    private readonly Func<ICypherMessage, CancellationToken, Task>? _publish;
    private readonly bool _ownsEngine;
    private readonly TimeProvider _time;

    public RiskAdmin(RiskEngine engine, IConfiguration configuration, Func<ICypherMessage, CancellationToken, Task>? publish = null, TimeProvider? time = null)
        : this(engine, configuration, publish, ownsEngine: false, time)
    {
    }

    private RiskAdmin(RiskEngine engine, IConfiguration configuration, Func<ICypherMessage, CancellationToken, Task>? publish, bool ownsEngine, TimeProvider? time)
    {
        _time = time ?? TimeProvider.System;
        Engine = engine;
        _configuration = configuration;
        _publish = publish;
        _ownsEngine = ownsEngine;
    }

    public RiskEngine Engine { get; }

    public bool UsesBroker =>
        (_configuration.GetSection(MessagingOptions.SectionName).Get<MessagingOptions>() ?? new MessagingOptions()).Transport == TransportKind.RabbitMq;

    /// <summary>Open the risk database named by the configuration (migrating it if needed) with the configured options.</summary>
    public static async Task<RiskAdmin> OpenAsync(IConfiguration configuration, TimeProvider? time = null, CancellationToken ct = default)
    {
        var db = DatabaseOptions.Create(configuration, RiskRegistration.ServiceName);
        await MigrationRunner.ApplyAsync(db, MigrationRunner.FromAssembly(typeof(RiskRegistration).Assembly), ct);
        var options = configuration.GetSection(RiskOptions.SectionName).Get<RiskOptions>() ?? new RiskOptions();
        var trading = configuration.GetSection(TradingOptions.SectionName).Get<TradingOptions>() ?? new TradingOptions();
        var symbols = configuration.GetSection(SymbolOptions.SectionName).Get<SymbolOptions>() ?? new SymbolOptions();
        var engine = new RiskEngine(db, options, trading, symbols.CreatePolicy(), time ?? TimeProvider.System, new LatestPrices());
        return new RiskAdmin(engine, configuration, null, ownsEngine: true, time);
    }

    public Task<RiskStatus> StatusAsync(CancellationToken ct = default) => Engine.GetStatusAsync(ct);

    public Task<IReadOnlyList<PendingApproval>> ApprovalsAsync(bool all = false, CancellationToken ct = default) =>
        Engine.ListApprovalsAsync(all ? null : ApprovalStatus.Pending, ct);

    public Task<AdminResult> HaltAsync(string reason, string by, CancellationToken ct = default)
    {
        var command = new HaltTrading { CommandId = NewId.NextGuid(), CorrelationId = NewId.NextGuid(), OccurredAt = _time.GetUtcNow(), Reason = reason, RequestedBy = by };
        return RunAsync(command, () => Engine.HaltAsync(reason, by, command.CorrelationId, command.CommandId.ToString("D"), ct), "halt", ct);
    }

    public Task<AdminResult> ResumeAsync(string reason, string by, CancellationToken ct = default)
    {
        var command = new ResumeTrading { CommandId = NewId.NextGuid(), CorrelationId = NewId.NextGuid(), OccurredAt = _time.GetUtcNow(), Reason = reason, RequestedBy = by };
        return RunAsync(command, () => Engine.ResumeAsync(reason, by, command.CorrelationId, command.CommandId.ToString("D"), ct), "resume", ct);
    }

    public Task<AdminResult> SetProfileAsync(string profile, string reason, string by, CancellationToken ct = default)
    {
        if (!RiskProfiles.IsKnown(profile))
        {
            return Task.FromResult(new AdminResult(false, false, [], $"unknown profile '{profile}'; use one of {string.Join(", ", RiskProfiles.Names)}"));
        }

        var command = new ChangeRiskProfile { CommandId = NewId.NextGuid(), CorrelationId = NewId.NextGuid(), OccurredAt = _time.GetUtcNow(), Profile = profile, Reason = reason, RequestedBy = by };
        return RunAsync(command, () => Engine.ChangeProfileAsync(profile, reason, by, command.CorrelationId, command.CommandId.ToString("D"), ct), "profile change", ct);
    }

    public async Task<AdminResult> DecideAsync(Guid approvalId, bool approve, string by, string? reason, decimal? currentPrice, CancellationToken ct = default)
    {
        var command = new DecideApproval
        {
            ApprovalId = approvalId,
            CorrelationId = NewId.NextGuid(),
            OccurredAt = _time.GetUtcNow(),
            Approve = approve,
            DecidedBy = by,
            Reason = reason,
            CurrentPrice = currentPrice,
        };
        if (!UsesBroker && approve && _publish is null)
        {
            return new AdminResult(false, false, [],
                "no broker (Messaging:Transport is not RabbitMq) and no in-process host: an approved order could not reach the Executor; nothing changed");
        }

        var known = (await Engine.ListApprovalsAsync(null, ct)).FirstOrDefault(a => a.ApprovalId == approvalId);
        if (known is null)
        {
            return new AdminResult(false, false, [], $"no approval {approvalId}");
        }

        return await RunAsync(command, () => Engine.DecideApprovalAsync(command, ct), approve ? "approval" : "rejection", ct);
    }

    /// <summary>Publish one command through a short-lived bus built from the configuration (RabbitMQ deployments).</summary>
    public static async Task PublishCommandAsync(IConfiguration configuration, ICypherMessage command, CancellationToken ct = default)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddConfiguration(configuration);
        builder.AddCypherMessaging();
        using var host = builder.Build();
        await host.StartAsync(ct);
        try
        {
            await host.Services.GetRequiredService<IBus>().Publish(command, command.GetType(), ct);
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_ownsEngine)
        {
            Engine.Dispose();
            await Engine.Database.DisposeAsync();
        }
    }

    private async Task<AdminResult> RunAsync(ICypherMessage command, Func<Task<IReadOnlyList<ICypherMessage>>> direct, string what, CancellationToken ct)
    {
        if (UsesBroker)
        {
            await PublishCommandAsync(_configuration, command, ct);
            return new AdminResult(true, true, [], $"{what} published to the broker; the Risk service applies it");
        }

        var events = await direct();
        if (_publish is not null)
        {
            foreach (var e in events)
            {
                await _publish(e, ct);
            }
        }

        return new AdminResult(true, false, events, events.Count == 0
            ? $"{what} applied to the risk database (no change)"
            : $"{what} applied to the risk database: {events.Count} event(s)");
    }
}
