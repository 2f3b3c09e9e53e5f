using System.Net;
using System.Net.Sockets;

namespace CypherScoping.TestKit;

/// <summary>
/// A loopback TCP forwarder a test can cut and restore, to make a real server (PostgreSQL, RabbitMQ)
/// unreachable and reachable again without touching the server itself.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly string _targetHost;
    private readonly int _targetPort;
    private readonly List<TcpClient> _connections = [];
    private readonly object _lock = new();
    private TcpListener? _listener;
    private CancellationTokenSource _cts = new();

    public TcpProxy(string targetHost, int targetPort)
    {
        _targetHost = targetHost;
        _targetPort = targetPort;
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
    }

    public int Port { get; }

    public bool IsOpen => _listener is not null;

    public void Open()
    {
        if (_listener is not null)
        {
            return;
        }

        _cts = new CancellationTokenSource();
        _listener = new TcpListener(IPAddress.Loopback, Port);
        _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Start();
        _ = AcceptLoopAsync(_listener, _cts.Token);
    }

    /// <summary>Stop listening and drop every open connection.</summary>
    public void Cut()
    {
        _cts.Cancel();
        _listener?.Stop();
        _listener = null;
        lock (_lock)
        {
            foreach (var c in _connections)
            {
                c.Dispose();
            }

            _connections.Clear();
        }
    }

    public ValueTask DisposeAsync()
    {
        Cut();
        _cts.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task AcceptLoopAsync(TcpListener listener, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            TcpClient inbound;
            try
            {
                inbound = await listener.AcceptTcpClientAsync(ct);
            }
            catch (Exception)
            {
                return;
            }

            _ = PipeAsync(inbound, ct);
        }
    }

    private async Task PipeAsync(TcpClient inbound, CancellationToken ct)
    {
        var outbound = new TcpClient();
        lock (_lock)
        {
            _connections.Add(inbound);
            _connections.Add(outbound);
        }

        try
        {
            await outbound.ConnectAsync(_targetHost, _targetPort, ct);
            var a = inbound.GetStream();
            var b = outbound.GetStream();
            await Task.WhenAny(a.CopyToAsync(b, ct), b.CopyToAsync(a, ct));
        }
        catch (Exception)
        {
            // a cut connection ends here
        }
        finally
        {
            inbound.Dispose();
            outbound.Dispose();
        }
    }
}
