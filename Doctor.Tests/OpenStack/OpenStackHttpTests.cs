using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Doctor.Workflows.Infrastructure.OpenStack;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Doctor.Tests.OpenStack;

/// <summary>
/// How the driver's HTTP layer behaves when the cloud misbehaves — answers a real OpenStack will not give on demand (a
/// 503 burst, a hang, a token refused), from a Keystone-and-Nova stand-in on a real Kestrel port.
/// </summary>
public sealed class OpenStackHttpTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<int> _failures = new();
    private readonly ConcurrentQueue<string> _calls = new();
    private WebApplication _app = null!;
    private string _url = "";
    private int _tokens;
    private volatile bool _hang;
    private volatile string? _refuse;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/v3/auth/tokens", (HttpContext http) =>
        {
            var token = $"token-{Interlocked.Increment(ref _tokens)}";
            http.Response.Headers["X-Subject-Token"] = token;
            var catalog = new JsonArray(new JsonObject
            {
                ["type"] = "compute",
                ["endpoints"] = new JsonArray(
                    new JsonObject { ["interface"] = "admin", ["region_id"] = "RegionOne", ["url"] = $"{_url}/wrong" },
                    new JsonObject { ["interface"] = "public", ["region_id"] = "RegionTwo", ["url"] = $"{_url}/wrong" },
                    new JsonObject { ["interface"] = "public", ["region_id"] = "RegionOne", ["url"] = $"{_url}/compute/v2.1/" }),
            });
            return Results.Json(new JsonObject { ["token"] = new JsonObject { ["expires_at"] = DateTimeOffset.UtcNow.AddHours(1).ToString("O"), ["catalog"] = catalog } }, statusCode: 201);
        });
        _app.Map("/compute/v2.1/{**path}", async (HttpContext http) =>
        {
            _calls.Enqueue($"{http.Request.Method} {http.Request.Path} {http.Request.Headers["X-Auth-Token"]} {http.Request.Headers["OpenStack-API-Version"]}");
            if (_hang)
                await Task.Delay(TimeSpan.FromSeconds(30), http.RequestAborted);
            if (_refuse is { } refused && http.Request.Headers["X-Auth-Token"] == refused)
                return Results.Json(new { error = new { code = 401, message = "The request you have made requires authentication." } }, statusCode: 401);
            if (_failures.TryDequeue(out var status))
                return Results.Json(new { badRequest = new { code = status, message = $"injected {status}" } }, statusCode: status);
            return Results.Json(new { ok = true });
        });
        await _app.StartAsync();
        _url = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private OpenStackHttp Api(int retries = 3, TimeSpan? timeout = null)
    {
        var options = new OpenStackOptions
        {
            AuthUrl = $"{_url}/v3", Username = "doctor", Password = "p", ProjectName = "service", RegionName = "RegionOne",
            Retries = retries, RequestTimeout = timeout ?? TimeSpan.FromSeconds(5), ComputeMicroversion = "2.88",
        };
        var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        return new OpenStackHttp(http, new KeystoneSession(http, options, TimeProvider.System, NullLogger<KeystoneSession>.Instance), options, NullLogger<OpenStackHttp>.Instance);
    }

    [Fact]
    public async Task GivenTheCatalog_WhenACallGoes_ThenItUsesTheInterfaceAndRegionAsked_WithTheMicroversion()
    {
        var api = Api();

        await api.GetAsync("compute", "/os-services", CancellationToken.None);

        Assert.Equal("GET /compute/v2.1/os-services token-1 compute 2.88", Assert.Single(_calls));
    }

    [Fact]
    public async Task GivenTwo503s_WhenAReadIsSent_ThenItIsRetriedAndSucceeds()
    {
        _failures.Enqueue(503);
        _failures.Enqueue(502);
        var api = Api();

        await api.GetAsync("compute", "/servers/detail", CancellationToken.None);

        Assert.Equal(3, _calls.Count);
        Assert.Equal(2, api.Retries);
    }

    [Fact]
    public async Task GivenA503_WhenAnActionThatIsNotSafeToRepeatIsSent_ThenItFailsAtOnceWithTheCloudsMessage()
    {
        _failures.Enqueue(503);
        var api = Api();

        var e = await Assert.ThrowsAsync<OpenStackApiException>(() =>
            api.SendAsync("compute", HttpMethod.Post, "/servers/x/action", new JsonObject { ["migrate"] = null }, idempotent: false, CancellationToken.None));

        Assert.Single(_calls);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, e.Status);
        Assert.Equal("injected 503", e.CloudMessage);
    }

    [Fact]
    public async Task GivenA409_WhenSent_ThenNovasConflictMessageIsTheError_NotRetried()
    {
        _failures.Enqueue(409);
        var api = Api();

        var e = await Assert.ThrowsAsync<OpenStackApiException>(() => api.GetAsync("compute", "/servers/x", CancellationToken.None));

        Assert.Single(_calls);
        Assert.Equal("injected 409", e.CloudMessage);
        Assert.Contains("409", e.Message);
    }

    [Fact]
    public async Task GivenTheTokenIsRevoked_WhenACallIsRefused401_ThenANewTokenIsTakenAndTheCallSucceeds()
    {
        var api = Api();
        await api.GetAsync("compute", "/os-services", CancellationToken.None);
        _refuse = "token-1";

        await api.GetAsync("compute", "/os-services", CancellationToken.None);

        Assert.Equal(2, api.Keystone.TokensIssued);
        Assert.EndsWith("token-2 compute 2.88", _calls.Last());
    }

    [Fact]
    public async Task GivenTheCloudHangs_WhenACallIsSent_ThenItFailsAfterTheTimeout_NeverHangs()
    {
        var api = Api(retries: 1, timeout: TimeSpan.FromMilliseconds(300));
        _hang = true;
        var started = DateTime.UtcNow;

        var e = await Assert.ThrowsAsync<OpenStackApiException>(() => api.GetAsync("compute", "/os-services", CancellationToken.None));

        Assert.Null(e.Status);
        Assert.Contains("no answer within", e.Message);
        Assert.Equal(2, _calls.Count); // one retry of a safe call
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task GivenNoSuchServiceInTheCatalog_WhenCalled_ThenTheErrorNamesWhatIsMissing()
    {
        var e = await Assert.ThrowsAsync<OpenStackApiException>(() => Api().GetAsync("network", "/v2.0/ports", CancellationToken.None));

        Assert.Contains("no 'network' endpoint with interface 'public' in region 'RegionOne'", e.Message);
    }
}
