using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Doctor.Workflows.Infrastructure.OpenStack;

/// <summary>
/// Every call to an OpenStack service: the token and microversion headers, a timeout per try, a new token and one more
/// try on 401, and — for calls safe to repeat — more tries with doubling back-off on 5xx and on connection errors.
/// Failures are <see cref="OpenStackApiException"/> with the service's own message; nothing waits without bound.
/// </summary>
public sealed class OpenStackHttp(HttpClient http, KeystoneSession keystone, OpenStackOptions options, ILogger<OpenStackHttp> logger)
{
    private static readonly TimeSpan FirstBackOff = TimeSpan.FromMilliseconds(200);
    private long _calls;
    private long _retries;

    public long Calls => Interlocked.Read(ref _calls);
    public long Retries => Interlocked.Read(ref _retries);

    public KeystoneSession Keystone => keystone;

    /// <param name="service">The catalog service type: <c>compute</c>, <c>placement</c>, <c>network</c>.</param>
    /// <param name="path">Relative to the catalog endpoint, e.g. <c>/os-services?binary=nova-compute</c>.</param>
    /// <param name="idempotent">Safe to send again when no answer came (GET, PUT of a state, a reset to a state).</param>
    public async Task<OpenStackResponse> SendAsync(string service, HttpMethod method, string path, JsonNode? body, bool idempotent, CancellationToken ct)
    {
        var call = $"{method} {path.Split('?')[0]}";
        var backOff = FirstBackOff;
        var renewed = false;
        for (var attempt = 0; ; attempt++)
        {
            var token = await keystone.TokenAsync(ct);
            var endpoint = await keystone.EndpointAsync(service, ct);
            Interlocked.Increment(ref _calls);
            var started = Stopwatch.GetTimestamp();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(options.RequestTimeout);
            HttpResponseMessage response;
            try
            {
                using var request = Request(service, method, endpoint + path, body, token.Value);
                response = await http.SendAsync(request, timeout.Token);
            }
            catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !ct.IsCancellationRequested))
            {
                var why = e is OperationCanceledException ? $"no answer within {options.RequestTimeout}" : e.Message;
                if (idempotent && attempt < options.Retries)
                {
                    await RetryAsync(service, call, why, backOff, ct);
                    backOff *= 2;
                    continue;
                }
                throw new OpenStackApiException(service, call, null, why, e);
            }
            using (response)
            {
                var text = await response.Content.ReadAsStringAsync(ct);
                logger.LogDebug("OpenStack {Service} {Call}: {Status} in {Ms} ms", service, call, (int)response.StatusCode, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (response.StatusCode == HttpStatusCode.Unauthorized && !renewed)
                {
                    keystone.Invalidate(token);
                    renewed = true;
                    attempt--;
                    continue;
                }
                if ((int)response.StatusCode >= 500 && idempotent && attempt < options.Retries)
                {
                    await RetryAsync(service, call, $"{(int)response.StatusCode} {OpenStackErrors.MessageOf(text)}", backOff, ct);
                    backOff *= 2;
                    continue;
                }
                if (!response.IsSuccessStatusCode)
                    throw new OpenStackApiException(service, call, response.StatusCode, OpenStackErrors.MessageOf(text));
                var requestId = response.Headers.TryGetValues("x-openstack-request-id", out var ids) ? ids.First()
                    : response.Headers.TryGetValues("x-compute-request-id", out var computeIds) ? computeIds.First() : null;
                return new OpenStackResponse(response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text), requestId);
            }
        }
    }

    public async Task<JsonNode> GetAsync(string service, string path, CancellationToken ct) =>
        (await SendAsync(service, HttpMethod.Get, path, null, idempotent: true, ct)).Body
        ?? throw new OpenStackApiException(service, $"GET {path.Split('?')[0]}", HttpStatusCode.OK, "empty answer");

    private HttpRequestMessage Request(string service, HttpMethod method, string url, JsonNode? body, string token)
    {
        var request = new HttpRequestMessage(method, url);
        request.Headers.Add("X-Auth-Token", token);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (service == "compute")
        {
            request.Headers.Add("OpenStack-API-Version", $"compute {options.ComputeMicroversion}");
            request.Headers.Add("X-OpenStack-Nova-API-Version", options.ComputeMicroversion);
        }
        if (body is not null)
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        return request;
    }

    private async Task RetryAsync(string service, string call, string why, TimeSpan backOff, CancellationToken ct)
    {
        Interlocked.Increment(ref _retries);
        logger.LogWarning("OpenStack {Service} {Call} failed ({Why}); trying again in {BackOff} ms", service, call, why, backOff.TotalMilliseconds);
        await Task.Delay(backOff, ct);
    }
}
