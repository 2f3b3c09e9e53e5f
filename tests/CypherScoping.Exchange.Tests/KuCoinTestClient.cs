using System.Collections.Concurrent;
using CypherScoping.Exchange.KuCoin;
using CypherScoping.TestKit.FakeKuCoin;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CypherScoping.Exchange.Tests;

/// <summary>The real KuCoin client (built by AddKuCoinExchange) pointed at a fake KuCoin server, with captured logs.</summary>
public sealed class KuCoinTestClient : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private KuCoinTestClient(ServiceProvider services, CapturingLoggerProvider logs)
    {
        _services = services;
        Logs = logs;
    }

    public KuCoinFuturesExchange Exchange => _services.GetRequiredService<KuCoinFuturesExchange>();
    public IExchange Port => _services.GetRequiredService<IExchange>();
    public OrderReconciler Reconciler => _services.GetRequiredService<OrderReconciler>();
    public KuCoinRateLimiter Limiter => _services.GetRequiredService<KuCoinRateLimiter>();
    public CapturingLoggerProvider Logs { get; }

    public static KuCoinTestClient Create(FakeKuCoinServer fake, IDictionary<string, string?>? overrides = null) =>
        Create(fake.ClientSettings(), overrides);

    public static KuCoinTestClient Create(IDictionary<string, string?> settings, IDictionary<string, string?>? overrides = null)
    {
        var all = new Dictionary<string, string?>(settings)
        {
            ["KuCoin:RequestTimeoutMilliseconds"] = "2000",
            ["KuCoin:Reconciliation:LookupAttempts"] = "5",
            ["KuCoin:Reconciliation:LookupDelayMilliseconds"] = "100",
            ["KuCoin:MaxRateLimitWaitMilliseconds"] = "2000",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(all).Build();
        var logs = new CapturingLoggerProvider();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        services.AddKuCoinExchange(configuration);
        return new KuCoinTestClient(services.BuildServiceProvider(), logs);
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}

/// <summary>Captures every log line (message, state values, exception text) of every category at every level.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyList<string> Lines => _lines.ToArray();

    public string AllText => string.Join(Environment.NewLine, _lines);

    public ILogger CreateLogger(string categoryName) => new Capturing(categoryName, _lines);

    public void Dispose()
    {
    }

    private sealed class Capturing(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
        {
            lines.Enqueue($"{category} scope: {state}");
            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> kvs ? string.Join("; ", kvs.Select(kv => $"{kv.Key}={kv.Value}")) : "";
            lines.Enqueue($"{logLevel} {category} [{eventId.Id}] {formatter(state, exception)} | {values} | {exception}");
        }
    }
}
