using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Doctor.AdminApi.Auth;
using Doctor.Workflows.Faults;
using Doctor.Workflows.Faults.WarmUp;

namespace Doctor.AdminApi.Faults;

/// <summary>
/// <c>PUT /v1/inspector/events</c> as the start-up warm-up goes through it: OPNFV Doctor's sample monitor report about the
/// dry host, handed to the endpoint's own request delegate (body read and parsed, admin check, the inspector, the JSON
/// answer) on a request of its own that no server, middleware or metric sees, with the warm-up's inspector in place of
/// the real one.
/// </summary>
internal sealed class InspectorWarmUpDoor(IServiceProvider services)
{
    private const string Route = "/v1/inspector/events";
    private ICollection<EndpointDataSource>? _endpoints;

    /// <summary>Where the endpoint will be found once every route is mapped (<see cref="InspectorEndpoints.MapInspectorApi"/>).</summary>
    public void Open(IEndpointRouteBuilder routes) => _endpoints = routes.DataSources;

    public IWarmUpSouthbound Southbound() => new Door(Endpoint(), services);

    /// <summary>The endpoint's delegate: reading every data source's endpoints builds them, as the first request would.</summary>
    private RequestDelegate Endpoint() =>
        (_endpoints ?? throw new InvalidOperationException("the inspector API is not mapped: no door for the warm-up"))
        .SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
        .FirstOrDefault(e => e.RoutePattern.RawText == Route && e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Contains("PUT") == true)
        ?.RequestDelegate ?? throw new InvalidOperationException($"PUT {Route} is not mapped: no door for the warm-up");

    private sealed class Door(RequestDelegate endpoint, IServiceProvider services) : IWarmUpSouthbound
    {
        public async ValueTask<IReadOnlyList<FaultOutcome>> ReportAsync(string host, FaultInspector inspector, CancellationToken ct)
        {
            var body = SampleReport(host);
            using var answer = new MemoryStream();
            var context = new DefaultHttpContext
            {
                RequestServices = new DryServices(services, inspector),
                User = DoctorClaims.Admin("warm-up"),
                RequestAborted = ct,
            };
            context.Request.Method = HttpMethods.Put;
            context.Request.Path = Route;
            context.Request.ContentType = "application/json";
            context.Request.ContentLength = body.Length;
            context.Request.Body = new MemoryStream(body);
            context.Response.Body = answer;
            await endpoint(context);
            await context.Response.CompleteAsync();
            var text = Encoding.UTF8.GetString(answer.ToArray());
            if (context.Response.StatusCode != StatusCodes.Status200OK)
                throw new InvalidOperationException($"the warm-up's sample report was answered {context.Response.StatusCode}: {text}");
            return [.. JsonNode.Parse(text)!["incidents"]!.AsArray().Select(i => new FaultOutcome(
                i!["incident_id"]?.GetValue<string>(), i["verdict"]!.GetValue<string>(), i["host"]?.GetValue<string>(), i["notifications"]!.GetValue<int>()))];
        }
    }

    /// <summary>The host's services, but the warm-up's inspector where the endpoint asks for one.</summary>
    private sealed class DryServices(IServiceProvider host, FaultInspector inspector) : IServiceProvider
    {
        public object? GetService(Type serviceType) => serviceType == typeof(FaultInspector) ? inspector : host.GetService(serviceType);
    }

    /// <summary>What Doctor's sample monitor PUTs when a host's link goes down.</summary>
    private static byte[] SampleReport(string host) => Encoding.UTF8.GetBytes(new JsonArray(new JsonObject
    {
        ["time"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.ffffff", CultureInfo.InvariantCulture),
        ["type"] = FaultInspector.HostDown,
        ["details"] = new JsonObject
        {
            ["hostname"] = host,
            ["source"] = "sample_monitor",
            ["cause"] = "link-down",
            ["severity"] = "critical",
            ["status"] = "down",
            ["monitor_id"] = "monitor_sample_id1",
            ["monitor_event_id"] = Guid.NewGuid().ToString(),
        },
    }).ToJsonString());
}
