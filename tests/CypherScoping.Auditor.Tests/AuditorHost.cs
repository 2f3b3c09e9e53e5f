using CypherScoping.Auditor.Data;
using CypherScoping.Persistence;
using CypherScoping.TestKit;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CypherScoping.Auditor.Tests;

/// <summary>The Auditor as Program.cs builds it, on MassTransit's test harness, with its database and mirror file.</summary>
public sealed class AuditorHost : IAsyncDisposable
{
    private AuditorHost(IHost host, ITestHarness harness, ServiceDatabase database, string logPath)
    {
        Host = host;
        Harness = harness;
        Database = database;
        LogPath = logPath;
    }

    public IHost Host { get; }
    public ITestHarness Harness { get; }
    public ServiceDatabase Database { get; }
    public string LogPath { get; }

    public static async Task<AuditorHost> StartAsync(IDictionary<string, string?> settings, TimeProvider? time = null)
    {
        var host = TestHosts.Build(AuditorRegistration.ServiceName, settings, b => b.AddAuditor(), harness: true, services =>
        {
            if (time is not null)
            {
                services.AddSingleton(time);
            }
        });
        await host.StartAsync();
        return new AuditorHost(
            host,
            host.Services.GetRequiredService<ITestHarness>(),
            host.Services.GetRequiredKeyedService<ServiceDatabase>(AuditorRegistration.ServiceName),
            Path.GetFullPath(settings["Audit:LogPath"]!));
    }

    public Task PublishAsync(object message, Guid? messageId = null) =>
        Harness.Bus.Publish(message, message.GetType(), Pipe.Execute<PublishContext>(ctx =>
        {
            if (messageId is not null)
            {
                ctx.MessageId = messageId;
            }
        }));

    public async Task<long> RowCountAsync()
    {
        var counts = await AuditQueries.CountsByEventTypeAsync(Database);
        return counts.Values.Sum();
    }

    /// <summary>Wait (bounded) until the trail holds at least <paramref name="count"/> rows.</summary>
    public async Task WaitForRowsAsync(long count, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        long rows;
        while ((rows = await RowCountAsync()) < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the trail has {rows} rows, expected {count}");
            }

            await Task.Delay(25);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Host.StopAsync();
        if (Host is IAsyncDisposable asyncHost)
        {
            await asyncHost.DisposeAsync();
        }
        else
        {
            Host.Dispose();
        }
    }
}
