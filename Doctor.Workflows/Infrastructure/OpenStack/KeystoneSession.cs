using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Doctor.Workflows.Infrastructure.OpenStack;

/// <summary>
/// Keystone v3 password authentication of Doctor's service user: one token shared by every call, renewed
/// <see cref="OpenStackOptions.TokenRenewBefore"/> before it expires and at once when a service answers 401 (revoked).
/// Endpoints come from the token's catalog, for the configured interface and region.
/// </summary>
public sealed class KeystoneSession(HttpClient http, OpenStackOptions options, TimeProvider clock, ILogger<KeystoneSession> logger)
{
    private readonly SemaphoreSlim _renewing = new(1, 1);
    private KeystoneToken? _token;
    private long _issued;

    /// <summary>How many tokens this session has obtained (the first one included).</summary>
    public long TokensIssued => Interlocked.Read(ref _issued);

    public async Task<KeystoneToken> TokenAsync(CancellationToken ct)
    {
        if (_token is { } current && !NearExpiry(current))
            return current;
        await _renewing.WaitAsync(ct);
        try
        {
            if (_token is { } fresh && !NearExpiry(fresh))
                return fresh;
            _token = await AuthenticateAsync(ct);
            Interlocked.Increment(ref _issued);
            return _token;
        }
        finally
        {
            _renewing.Release();
        }
    }

    /// <summary>A service refused <paramref name="stale"/> (401): the next call authenticates again.</summary>
    public void Invalidate(KeystoneToken stale)
    {
        if (Interlocked.CompareExchange(ref _token, null, stale) == stale)
            logger.LogWarning("OpenStack: a service refused Doctor's token (revoked or expired early); authenticating again");
    }

    /// <summary>The endpoint of a service type, e.g. <c>compute</c>, or an error naming what the catalog lacks.</summary>
    public async Task<string> EndpointAsync(string serviceType, CancellationToken ct) =>
        (await TokenAsync(ct)).Endpoints.TryGetValue(serviceType, out var url)
            ? url
            : throw new OpenStackApiException("keystone", "catalog", null,
                $"no '{serviceType}' endpoint with interface '{options.Interface}'{(options.RegionName.Length > 0 ? $" in region '{options.RegionName}'" : "")} in the service catalog");

    /// <summary>Whether the catalog names a service type (Neutron is optional).</summary>
    public async Task<bool> HasServiceAsync(string serviceType, CancellationToken ct) => (await TokenAsync(ct)).Endpoints.ContainsKey(serviceType);

    private bool NearExpiry(KeystoneToken token) => clock.GetUtcNow() >= token.ExpiresAt - options.TokenRenewBefore;

    private async Task<KeystoneToken> AuthenticateAsync(CancellationToken ct)
    {
        var body = new JsonObject
        {
            ["auth"] = new JsonObject
            {
                ["identity"] = new JsonObject
                {
                    ["methods"] = new JsonArray("password"),
                    ["password"] = new JsonObject
                    {
                        ["user"] = new JsonObject
                        {
                            ["name"] = options.Username,
                            ["domain"] = new JsonObject { ["name"] = options.UserDomainName },
                            ["password"] = options.Password,
                        },
                    },
                },
                ["scope"] = new JsonObject
                {
                    ["project"] = new JsonObject { ["name"] = options.ProjectName, ["domain"] = new JsonObject { ["name"] = options.ProjectDomainName } },
                },
            },
        };
        var url = options.AuthUrl.TrimEnd('/') + "/auth/tokens";
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.RequestTimeout);
        HttpResponseMessage response;
        try
        {
            // A body of known length: Keystone under uwsgi's --http-socket reads no chunked body.
            using var content = new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
            response = await http.PostAsync(url, content, timeout.Token);
        }
        catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            throw new OpenStackApiException("keystone", "POST /auth/tokens", null, e is OperationCanceledException ? $"no answer within {options.RequestTimeout}" : e.Message, e);
        }
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode)
                throw new OpenStackApiException("keystone", "POST /auth/tokens", response.StatusCode, OpenStackErrors.MessageOf(text));
            var value = response.Headers.TryGetValues("X-Subject-Token", out var values) ? values.First() : null;
            var token = JsonNode.Parse(text)?["token"];
            if (value is null || token is null)
                throw new OpenStackApiException("keystone", "POST /auth/tokens", response.StatusCode, "the answer has no X-Subject-Token or no token body");
            var expires = DateTimeOffset.TryParse(token["expires_at"]?.GetValue<string>(), out var at) ? at : clock.GetUtcNow().AddHours(1);
            var endpoints = Catalog(token["catalog"]?.AsArray());
            logger.LogInformation("OpenStack: token for {User} on project {Project} until {Expires}; catalog {Services}",
                options.Username, options.ProjectName, expires, string.Join(", ", endpoints.Keys.Order()));
            return new KeystoneToken(value, expires, endpoints);
        }
    }

    private Dictionary<string, string> Catalog(JsonArray? catalog)
    {
        var endpoints = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var service in catalog ?? [])
        {
            var type = service?["type"]?.GetValue<string>();
            if (type is null || endpoints.ContainsKey(type))
                continue;
            var endpoint = service!["endpoints"]?.AsArray().FirstOrDefault(e =>
                e?["interface"]?.GetValue<string>() == options.Interface
                && (options.RegionName.Length == 0 || e["region_id"]?.GetValue<string>() == options.RegionName || e["region"]?.GetValue<string>() == options.RegionName));
            if (endpoint?["url"]?.GetValue<string>() is { Length: > 0 } url)
                endpoints[type] = url.TrimEnd('/');
        }
        return endpoints;
    }
}
