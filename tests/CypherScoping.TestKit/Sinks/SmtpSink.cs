using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CypherScoping.TestKit.Sinks;

/// <summary>One message the SMTP sink accepted.</summary>
public sealed record SmtpMessage(string From, IReadOnlyList<string> Recipients, string Data, string? AuthenticatedUser)
{
    /// <summary>The Subject header (unfolded).</summary>
    public string? Subject => Header("Subject");

    public string? Header(string name)
    {
        foreach (var line in Data.Split("\r\n"))
        {
            if (line.Length == 0)
            {
                break;
            }

            if (line.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))
            {
                return line[(name.Length + 1)..].Trim();
            }
        }

        return null;
    }
}

/// <summary>
/// A small SMTP server on 127.0.0.1 (random port) speaking enough ESMTP for MailKit: EHLO/HELO, AUTH PLAIN and
/// LOGIN (any credentials), MAIL FROM, RCPT TO, DATA, RSET, NOOP, QUIT. No TLS. Records every message.
/// <see cref="FailNextConnections"/> makes the next sessions answer 421 at greeting (transient failure).
/// </summary>
public sealed class SmtpSink : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<SmtpMessage> _messages = new();
    private readonly SemaphoreSlim _received = new(0, int.MaxValue);
    private Task _accept = Task.CompletedTask;
    private int _failNext;
    private int _sessions;

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public string Host => "127.0.0.1";

    public IReadOnlyList<SmtpMessage> Messages => _messages.ToArray();

    /// <summary>Sessions opened so far (each MailKit delivery attempt is one).</summary>
    public int Sessions => Volatile.Read(ref _sessions);

    public static SmtpSink Start()
    {
        var sink = new SmtpSink();
        sink._listener.Start();
        sink._accept = sink.AcceptLoopAsync();
        return sink;
    }

    public void FailNextConnections(int count) => Interlocked.Exchange(ref _failNext, count);

    public async Task<IReadOnlyList<SmtpMessage>> WaitForMessagesAsync(int count, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        while (_messages.Count < count)
        {
            try
            {
                await _received.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"SMTP sink: expected {count} message(s), got {_messages.Count}");
            }
        }

        return Messages;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accept;
        }
        catch (Exception)
        {
            // stopping
        }

        _stop.Dispose();
        _received.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception)
            {
                return;
            }

            _ = Task.Run(() => SessionAsync(client));
        }
    }

    private async Task SessionAsync(TcpClient client)
    {
        Interlocked.Increment(ref _sessions);
        using (client)
        {
            var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.ASCII);
            await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
            try
            {
                if (Interlocked.Decrement(ref _failNext) >= 0)
                {
                    await writer.WriteLineAsync("421 sink busy, try again later");
                    return;
                }

                Interlocked.Exchange(ref _failNext, 0);
                await writer.WriteLineAsync("220 cypher-sink ESMTP ready");
                string? from = null;
                string? user = null;
                var recipients = new List<string>();
                while (await reader.ReadLineAsync(_stop.Token) is { } line)
                {
                    var verb = line.Split(' ', 2)[0].ToUpperInvariant();
                    switch (verb)
                    {
                        case "EHLO":
                            await writer.WriteAsync("250-cypher-sink\r\n250-AUTH PLAIN LOGIN\r\n250-8BITMIME\r\n250 SIZE 10485760\r\n");
                            break;
                        case "HELO":
                            await writer.WriteLineAsync("250 cypher-sink");
                            break;
                        case "AUTH":
                            user = await AuthAsync(line, reader, writer);
                            break;
                        case "MAIL":
                            from = Address(line);
                            recipients.Clear();
                            await writer.WriteLineAsync("250 OK");
                            break;
                        case "RCPT":
                            recipients.Add(Address(line));
                            await writer.WriteLineAsync("250 OK");
                            break;
                        case "DATA":
                            await writer.WriteLineAsync("354 end data with <CR><LF>.<CR><LF>");
                            var data = new StringBuilder();
                            while (await reader.ReadLineAsync(_stop.Token) is { } dataLine && dataLine != ".")
                            {
                                data.Append(dataLine.StartsWith("..", StringComparison.Ordinal) ? dataLine[1..] : dataLine).Append("\r\n");
                            }

                            _messages.Enqueue(new SmtpMessage(from ?? string.Empty, recipients.ToList(), data.ToString(), user));
                            _received.Release();
                            await writer.WriteLineAsync("250 OK queued");
                            break;
                        case "RSET":
                            from = null;
                            recipients.Clear();
                            await writer.WriteLineAsync("250 OK");
                            break;
                        case "NOOP":
                            await writer.WriteLineAsync("250 OK");
                            break;
                        case "QUIT":
                            await writer.WriteLineAsync("221 bye");
                            return;
                        default:
                            await writer.WriteLineAsync("502 command not implemented");
                            break;
                    }
                }
            }
            catch (Exception)
            {
                // client went away
            }
        }
    }

    private static async Task<string?> AuthAsync(string line, StreamReader reader, StreamWriter writer)
    {
        var parts = line.Split(' ');
        var mechanism = parts.Length > 1 ? parts[1].ToUpperInvariant() : string.Empty;
        string? user = null;
        if (mechanism == "PLAIN")
        {
            var payload = parts.Length > 2 ? parts[2] : null;
            if (payload is null)
            {
                await writer.WriteLineAsync("334 ");
                payload = await reader.ReadLineAsync();
            }

            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(payload ?? string.Empty)).Split('\0');
            user = decoded.Length > 1 ? decoded[1] : null;
        }
        else if (mechanism == "LOGIN")
        {
            string? encodedUser;
            if (parts.Length > 2)
            {
                encodedUser = parts[2];
            }
            else
            {
                await writer.WriteLineAsync("334 VXNlcm5hbWU6");
                encodedUser = await reader.ReadLineAsync();
            }

            user = Encoding.UTF8.GetString(Convert.FromBase64String(encodedUser ?? string.Empty));
            await writer.WriteLineAsync("334 UGFzc3dvcmQ6");
            await reader.ReadLineAsync();
        }
        else
        {
            await writer.WriteLineAsync("504 unrecognized authentication type");
            return null;
        }

        await writer.WriteLineAsync("235 2.7.0 authentication successful");
        return user;
    }

    private static string Address(string line)
    {
        var start = line.IndexOf('<', StringComparison.Ordinal);
        var end = line.IndexOf('>', StringComparison.Ordinal);
        return start >= 0 && end > start ? line[(start + 1)..end] : line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
    }
}
