using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;

namespace CypherScoping.TestKit.Sinks;

/// <summary>One captured log entry: rendered message, structured values and exception text.</summary>
public sealed record CapturedLog(LogLevel Level, string Category, string Message, string Values, string? Exception);

/// <summary>
/// An ILoggerProvider that keeps every entry at every level (Trace and up), for tests that prove a secret never
/// reaches a log. Use <see cref="CreateFactory"/> to replace a host's ILoggerFactory (Serilog ignores other providers).
/// </summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<CapturedLog> _entries = new();

    public IReadOnlyList<CapturedLog> Entries => _entries.ToArray();

    /// <summary>Everything captured, as one text (messages, structured values, exceptions, scopes).</summary>
    public string AllText()
    {
        var sb = new StringBuilder();
        foreach (var e in _entries)
        {
            sb.Append(e.Level).Append(' ').Append(e.Category).Append(": ").Append(e.Message).Append(" | ").Append(e.Values);
            if (e.Exception is not null)
            {
                sb.Append(" | ").Append(e.Exception);
            }

            sb.AppendLine();
        }

        return sb.ToString();
    }

    public ILoggerFactory CreateFactory() =>
        LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(this));

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class CapturingLogger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
        {
            owner._entries.Enqueue(new CapturedLog(LogLevel.Trace, category, "scope: " + state, Describe(state), null));
            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            owner._entries.Enqueue(new CapturedLog(logLevel, category, formatter(state, exception), Describe(state), exception?.ToString()));
        }

        private static string Describe<TState>(TState state) => state is IEnumerable<KeyValuePair<string, object?>> values
            ? string.Join("; ", values.Select(kv => $"{kv.Key}={kv.Value}"))
            : state?.ToString() ?? string.Empty;
    }
}
