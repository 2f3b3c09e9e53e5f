namespace CypherScoping.Messaging;

public enum TransportKind
{
    InMemory = 0,
    RabbitMq = 1,
}

/// <summary>Section "Messaging".</summary>
public sealed class MessagingOptions
{
    public const string SectionName = "Messaging";

    public TransportKind Transport { get; set; } = TransportKind.InMemory;

    /// <summary>Prefix for every exchange and queue (test isolation on a shared broker). Empty in deployments.</summary>
    public string? EntityPrefix { get; set; }

    public int RetryLimit { get; set; } = 5;

    public int PrefetchCount { get; set; } = 16;
}

/// <summary>Section "RabbitMq" (RABBITMQ_URL maps to Url).</summary>
public sealed class RabbitMqOptions
{
    public const string SectionName = "RabbitMq";

    /// <summary>amqp://user:pass@host:port/vhost — wins over the separate settings.</summary>
    public string? Url { get; set; }

    public string Host { get; set; } = "localhost";

    public ushort Port { get; set; } = 5672;

    public string VirtualHost { get; set; } = "/";

    public string Username { get; set; } = "guest";

    public string Password { get; set; } = "guest";

    public Uri ToUri()
    {
        if (!string.IsNullOrWhiteSpace(Url))
        {
            return new Uri(Url);
        }

        var vhost = VirtualHost == "/" ? string.Empty : Uri.EscapeDataString(VirtualHost);
        return new Uri($"amqp://{Host}:{Port}/{vhost}");
    }
}
