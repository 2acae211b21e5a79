using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Doctor.Workflows.Notifications.Delivery;

namespace Doctor.Workflows.Faults.WarmUp;

/// <summary>
/// The warm-up's own webhook receiver: a loopback port of its own (127.0.0.1:0) that answers every POST with 200 and
/// counts it, for as long as the warm-up runs. The dry incident's alarms point here and nowhere else, so its webhooks
/// leave through the real client and never reach a consumer. HTTP/1.1 with keep-alive, Content-Length bodies only:
/// what the webhook client sends.
/// </summary>
internal sealed class WarmUpSink : IAsyncDisposable
{
    private static readonly byte[] Ok = Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    private static readonly byte[] HeaderEnd = "\r\n\r\n"u8.ToArray();

    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Task, byte> _serving = new();
    private readonly Task _accepting;
    private int _received;
    private int _signed;

    private WarmUpSink(TcpListener listener)
    {
        _listener = listener;
        BaseAddress = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/");
        _accepting = AcceptAsync();
    }

    public Uri BaseAddress { get; }

    /// <summary>POSTs answered so far.</summary>
    public int Received => Volatile.Read(ref _received);

    /// <summary>Of those, the ones that carried a delivery's event id and signature, as a consumer receives them.</summary>
    public int Signed => Volatile.Read(ref _signed);

    public static WarmUpSink Start()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return new WarmUpSink(listener);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        await Quietly(_accepting);
        foreach (var serving in _serving.Keys)
            await Quietly(serving);
        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stopping.Token);
            var serving = ServeAsync(client);
            _serving.TryAdd(serving, 0);
            _ = serving.ContinueWith(static (t, state) => ((ConcurrentDictionary<Task, byte>)state!).TryRemove(t, out _),
                _serving, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        client.NoDelay = true;
        var stream = client.GetStream();
        var buffer = new byte[16 * 1024];
        var filled = 0;
        while (true)
        {
            int headerEnd;
            while ((headerEnd = buffer.AsSpan(0, filled).IndexOf(HeaderEnd)) < 0)
            {
                if (filled == buffer.Length)
                    Array.Resize(ref buffer, buffer.Length * 2);
                var read = await stream.ReadAsync(buffer.AsMemory(filled), _stopping.Token);
                if (read == 0)
                    return;
                filled += read;
            }
            var head = Encoding.ASCII.GetString(buffer, 0, headerEnd);
            var request = headerEnd + HeaderEnd.Length + ContentLength(head);
            if (request > buffer.Length)
                Array.Resize(ref buffer, request);
            while (filled < request)
            {
                var read = await stream.ReadAsync(buffer.AsMemory(filled), _stopping.Token);
                if (read == 0)
                    return;
                filled += read;
            }
            Interlocked.Increment(ref _received);
            if (HasHeader(head, WebhookDispatcher.EventIdHeader) && HasHeader(head, WebhookSignature.Header))
                Interlocked.Increment(ref _signed);
            await stream.WriteAsync(Ok, _stopping.Token);
            Buffer.BlockCopy(buffer, request, buffer, 0, filled - request);
            filled -= request;
        }
    }

    private static int ContentLength(string head)
    {
        foreach (var line in head.Split("\r\n"))
        {
            var colon = line.IndexOf(':');
            if (colon > 0 && line.AsSpan(0, colon).Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                return int.Parse(line.AsSpan(colon + 1).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        }
        return 0;
    }

    private static bool HasHeader(string head, string name) =>
        head.Contains($"\r\n{name}:", StringComparison.OrdinalIgnoreCase);

    private static async Task Quietly(Task task)
    {
        try
        {
            await task;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
        }
    }
}
