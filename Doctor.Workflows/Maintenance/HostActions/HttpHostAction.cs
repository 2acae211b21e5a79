using System.Net.Http.Json;
using System.Text.Json;

namespace Doctor.Workflows.Maintenance.HostActions;

/// <summary>
/// POSTs <c>{"session_id","host","type","plugin"}</c> to <c>metadata.url</c> and waits for the answer: a non-2xx, a
/// timeout (<c>metadata.timeout_ms</c>, default 30 s) or no connection fails the host.
/// </summary>
public sealed class HttpHostAction(IHttpClientFactory clients) : IHostActionPlugin
{
    public const string ClientName = "host-actions";

    public string Name => "http";

    public async Task<string?> RunAsync(HostActionRequest request, CancellationToken ct)
    {
        using var doc = JsonDocument.Parse(request.MetadataJson);
        var meta = doc.RootElement;
        if (meta.ValueKind != JsonValueKind.Object || !meta.TryGetProperty("url", out var u) || u.ValueKind != JsonValueKind.String
            || !Uri.TryCreate(u.GetString(), UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            return "http plug-in: metadata.url is not an http(s) URL";
        var timeout = meta.TryGetProperty("timeout_ms", out var t) && t.TryGetInt32(out var ms) && ms > 0 ? TimeSpan.FromMilliseconds(ms) : TimeSpan.FromSeconds(30);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            var client = clients.CreateClient(ClientName);
            using var response = await client.PostAsJsonAsync(url,
                new { session_id = request.SessionId, host = request.Host, type = request.Type, plugin = request.Plugin }, cts.Token);
            return response.IsSuccessStatusCode ? null : $"http plug-in: {url} answered {(int)response.StatusCode}";
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return $"http plug-in: {url} did not answer within {timeout.TotalSeconds:0.#} s";
        }
        catch (HttpRequestException e)
        {
            return $"http plug-in: {url}: {e.Message}";
        }
    }
}
