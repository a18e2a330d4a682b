using System.Net;
using System.Net.Sockets;

namespace Sluice.Cluster.Tests;

/// <summary>
/// A loopback TCP forwarder used to take a server "down" for one client: <see cref="Disable"/> closes the listener and
/// every forwarded connection (new ones are refused), <see cref="Enable"/> listens again on the same port.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly IPEndPoint _target;
    private readonly List<TcpClient> _connections = [];
    private TcpListener? _listener;
    private CancellationTokenSource? _cts;
    private Task? _accepting;

    public TcpProxy(string targetHost, int targetPort)
    {
        _target = new IPEndPoint(IPAddress.Parse(targetHost), targetPort);
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Enable();
    }

    public int Port { get; }

    public void Enable()
    {
        if (_listener is not null) return;
        _cts = new CancellationTokenSource();
        _listener = new TcpListener(IPAddress.Loopback, Port);
        _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Start();
        var listener = _listener;
        var ct = _cts.Token;
        _accepting = Task.Run(async () =>
        {
            while (!ct.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await listener.AcceptTcpClientAsync(ct);
                }
                catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    return;
                }
                _ = ForwardAsync(client, ct);
            }
        }, CancellationToken.None);
    }

    public void Disable()
    {
        _cts?.Cancel();
        _listener?.Stop();
        _listener = null;
        lock (_connections)
        {
            foreach (var c in _connections) c.Dispose();
            _connections.Clear();
        }
    }

    private async Task ForwardAsync(TcpClient client, CancellationToken ct)
    {
        var server = new TcpClient();
        lock (_connections)
        {
            _connections.Add(client);
            _connections.Add(server);
        }
        try
        {
            await server.ConnectAsync(_target, ct);
            var a = client.GetStream();
            var b = server.GetStream();
            await Task.WhenAny(a.CopyToAsync(b, ct), b.CopyToAsync(a, ct));
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            client.Dispose();
            server.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        Disable();
        if (_accepting is not null) await _accepting;
    }
}
