using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Doctor.Tests.Notifications.Bus;

/// <summary>
/// A loopback TCP relay in front of the broker, so a test can take "the broker" away from one Doctor server without
/// disturbing the broker other tests share: <see cref="Break"/> drops every connection and refuses new ones (what a
/// client sees when the broker host goes down), <see cref="Restore"/> listens again on the same port.
/// </summary>
public sealed class TcpRelay : IAsyncDisposable
{
    private readonly IPEndPoint _target;
    private readonly ConcurrentDictionary<TcpClient, byte> _open = new();
    private TcpListener? _listener;
    private CancellationTokenSource? _running;

    private TcpRelay(IPEndPoint target, int port)
    {
        _target = target;
        Port = port;
    }

    public int Port { get; }

    public static TcpRelay Start(Uri broker)
    {
        var target = new IPEndPoint(IPAddress.Parse(broker.Host), broker.Port);
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var relay = new TcpRelay(target, port);
        relay.Restore();
        return relay;
    }

    /// <summary>The broker URI with the relay's port in place of the broker's.</summary>
    public Uri Through(Uri broker) => new UriBuilder(broker) { Port = Port }.Uri;

    public void Restore()
    {
        if (_listener is not null)
            return;
        _running = new CancellationTokenSource();
        _listener = new TcpListener(IPAddress.Loopback, Port);
        _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Start();
        _ = AcceptAsync(_listener, _running.Token);
    }

    public void Break()
    {
        _running?.Cancel();
        _listener?.Stop();
        _listener = null;
        foreach (var client in _open.Keys)
        {
            try
            {
                client.Client?.LingerState = new LingerOption(true, 0); // RST, like a host that vanished
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // closing anyway
            }
            client.Dispose();
        }
        _open.Clear();
    }

    private async Task AcceptAsync(TcpListener listener, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            TcpClient inbound;
            try
            {
                inbound = await listener.AcceptTcpClientAsync(ct);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = RelayAsync(inbound, ct);
        }
    }

    private async Task RelayAsync(TcpClient inbound, CancellationToken ct)
    {
        var outbound = new TcpClient();
        _open[inbound] = 0;
        _open[outbound] = 0;
        try
        {
            await outbound.ConnectAsync(_target, ct);
            var a = inbound.GetStream();
            var b = outbound.GetStream();
            await Task.WhenAny(a.CopyToAsync(b, ct), b.CopyToAsync(a, ct));
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
        }
        finally
        {
            _open.TryRemove(inbound, out _);
            _open.TryRemove(outbound, out _);
            inbound.Dispose();
            outbound.Dispose();
        }
    }

    public ValueTask DisposeAsync()
    {
        Break();
        return ValueTask.CompletedTask;
    }
}
