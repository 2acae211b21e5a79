using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Doctor.Tests.Hosting;

/// <summary>
/// Endpoints that exist only in tests, appended behind the service's own pipeline so its error
/// handling, body limit and metrics apply to them: <c>POST /test/echo</c> and <c>GET /test/throw</c>.
/// </summary>
internal sealed class TestEndpoints : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        next(app);
        app.UseRouting();
        app.UseEndpoints(endpoints =>
        {
            endpoints.MapPost("/test/echo", (EchoRequest request) => TypedResults.Ok(request));
            endpoints.MapGet("/test/throw", IResult () => throw new InvalidOperationException("secret internal detail"));
        });
    };

    public sealed record EchoRequest(
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("count")] int Count,
        [property: JsonPropertyName("hosts")] IReadOnlyList<string>? Hosts);
}
