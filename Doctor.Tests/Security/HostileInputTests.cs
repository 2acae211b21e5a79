using System.Net;
using System.Text.Json.Nodes;
using Doctor.Tests.Auth;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Doctor.Tests.Security;

/// <summary>
/// Every JSON endpoint the service maps — found through its endpoint data source, so new ones are covered without
/// editing this — answers hostile bodies with problem+json and a useful title, never a 500, and a refused request
/// writes nothing (row counts of every table and the simulated cloud unchanged).
/// </summary>
public sealed class HostileInputTests(HostileInputTests.Factory api) : IClassFixture<HostileInputTests.Factory>
{
    public sealed class Factory : SecuredApiFactory
    {
        // Thousands of requests in a row; the rate limit has tests of its own.
        protected override void ConfigureAuth(IWebHostBuilder builder) => builder.UseSetting("Doctor:Auth:RateLimit:PermitsPerSecond", "0");
    }

    private static readonly string[] BodyMethods = ["POST", "PUT", "PATCH"];

    /// <summary>The JSON endpoints as (method, route pattern), e.g. (PUT, /v1/maintenance/{sessionId}/{projectId}).</summary>
    public static IReadOnlyList<(string Method, RouteEndpoint Endpoint)> JsonEndpoints(IServiceProvider services) =>
        [.. services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? [])
                .Where(m => BodyMethods.Contains(m)).Select(m => (m, e)))
            .OrderBy(x => x.e.RoutePattern.RawText).ThenBy(x => x.m)];

    [Fact]
    public async Task GivenEveryJsonEndpoint_WhenSentHostileBodies_ThenProblemJsonNever500AndNothingWritten()
    {
        using var admin = api.CreateClient();
        admin.Timeout = TimeSpan.FromMinutes(2);
        var sid = await WaitingSession.OpenAsync(admin);
        // The session's MAINTENANCE notification is still being routed (alarm history, its delivery row) when the reply
        // window opens: the first refused request must not be blamed for that write.
        await SettledAsync(admin);
        var endpoints = JsonEndpoints(api.Services);
        Assert.Contains(endpoints, e => e.Endpoint.RoutePattern.RawText!.Contains("maintenance"));
        var failures = new List<string>();

        foreach (var (method, endpoint) in endpoints)
        {
            var path = Path(endpoint, sid);
            foreach (var (name, body) in HostileBodies.All())
            {
                var before = await SnapshotAsync(admin);
                var response = await admin.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = HostileBodies.Content(body) });
                var text = await response.Content.ReadAsStringAsync();
                var status = (int)response.StatusCode;
                var where = $"{method} {path} with {name}: {status}";
                if (status >= 500)
                {
                    failures.Add($"{where} {text}");
                    continue;
                }
                if (status < 400)
                {
                    // Accepted: the engine may go on writing in the background; start the next from a settled state.
                    await SettledAsync(admin);
                    continue;
                }
                if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                    failures.Add($"{where} is not problem+json ({response.Content.Headers.ContentType}): {text}");
                else if (JsonNode.Parse(text)?["title"]?.GetValue<string>() is not { Length: > 3 } title || title == "Bad Request")
                    failures.Add($"{where} has no useful title: {text}");
                if (await SnapshotAsync(admin) is var after && after != before)
                    failures.Add($"{where} refused but wrote: {before} → {after}");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} failure(s):\n" + string.Join("\n", failures.Take(40).Select(f => f.Length > 600 ? f[..600] : f)));
    }

    /// <summary>A path for the route: the waiting session and its project where the route names them, harmless ids elsewhere.</summary>
    public static string Path(RouteEndpoint endpoint, string sessionId)
    {
        var segments = endpoint.RoutePattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternLiteralPart literal => literal.Content,
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart p => p.Name.ToLowerInvariant() switch
            {
                "sessionid" or "sid" => sessionId,
                "projectid" => WaitingSession.Project,
                "instanceid" => "ha-0",
                "ip" => "10.0.0.1",
                "id" => "6a4a0f8e-0000-0000-0000-000000000000",
                _ => "x",
            },
            _ => "x",
        })));
        return "/" + string.Join("/", segments);
    }

    private async Task SettledAsync(HttpClient admin)
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        var previous = await SnapshotAsync(admin);
        while (DateTime.UtcNow < until)
        {
            await Task.Delay(300);
            var now = await SnapshotAsync(admin);
            if (now == previous)
                return;
            previous = now;
        }
    }

    /// <summary>Row counts of every table in the service's schema, and the simulated cloud.</summary>
    private async Task<string> SnapshotAsync(HttpClient admin)
    {
        await using var command = api.Database.DataSource.CreateCommand("""
            SELECT string_agg(format('%s=%s', table_name,
                   (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I.%I', table_schema, table_name), false, true, '')))[1]::text), ' ' ORDER BY table_name)
            FROM information_schema.tables WHERE table_schema = 'doctor' AND table_type = 'BASE TABLE'
              -- Feed handlers record their progress in the background, whatever the requests do.
              AND table_name <> 'checkpoints'
            """);
        var rows = (string)(await command.ExecuteScalarAsync())!;
        var cloud = await admin.GetStringAsync("/v1/infra/instances") + await admin.GetStringAsync("/v1/infra/hosts");
        return rows + " cloud#" + cloud.GetHashCode();
    }
}
