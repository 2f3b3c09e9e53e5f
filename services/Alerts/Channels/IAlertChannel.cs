using CypherScoping.Alerts.Domain;

namespace CypherScoping.Alerts.Channels;

/// <summary>The outcome of one delivery on one channel. Error never contains a secret.</summary>
public sealed record ChannelResult(string Channel, bool Delivered, string? Error)
{
    public static ChannelResult Ok(string channel) => new(channel, true, null);

    public static ChannelResult Failed(string channel, string error) => new(channel, false, error);
}

/// <summary>A place alerts go: Slack, e-mail, the log. SendAsync never throws except on cancellation.</summary>
public interface IAlertChannel
{
    /// <summary>slack, email or log.</summary>
    string Name { get; }

    bool IsConfigured { get; }

    AlertChannelOptions Options { get; }

    Task<ChannelResult> SendAsync(Alert alert, CancellationToken cancellationToken);
}

/// <summary>Removes a secret (and its path and long path segments) from text that may reach a log or an event.</summary>
public static class SecretScrubber
{
    public const string Redacted = "[redacted]";

    public static string Scrub(string text, string? secretUrl)
    {
        if (string.IsNullOrEmpty(secretUrl) || string.IsNullOrEmpty(text))
        {
            return text;
        }

        var result = text.Replace(secretUrl, Redacted, StringComparison.OrdinalIgnoreCase);
        if (Uri.TryCreate(secretUrl, UriKind.Absolute, out var uri))
        {
            foreach (var part in new[] { uri.AbsoluteUri, uri.PathAndQuery, uri.Query }
                         .Concat(uri.Segments.Select(s => s.Trim('/')))
                         .Where(p => p.Length >= 6)
                         .OrderByDescending(p => p.Length))
            {
                result = result.Replace(part, Redacted, StringComparison.OrdinalIgnoreCase);
            }
        }

        return result;
    }
}
