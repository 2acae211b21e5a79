using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Doctor.AdminApi.Infrastructure;

/// <summary>
/// Reads a JSON body ourselves rather than through parameter binding, so a body that is not JSON or holds a value of
/// the wrong type answers a problem whose title names the field (<c>hosts[0].vcpus: not a valid value</c>).
/// </summary>
internal static class JsonRequestBody
{
    public static async Task<(T? Body, ProblemHttpResult? Problem)> ReadAsync<T>(HttpRequest request, CancellationToken ct)
        where T : class
    {
        var options = request.HttpContext.RequestServices.GetService<IOptions<JsonOptions>>()?.Value.SerializerOptions
            ?? JsonSerializerOptions.Web;
        try
        {
            var body = await JsonSerializer.DeserializeAsync<T>(request.Body, options, ct);
            return body is null ? (null, BadRequest("body: a JSON object is required")) : (body, null);
        }
        catch (JsonException e)
        {
            var field = e.Path is null or "$" ? null : e.Path.StartsWith("$.", StringComparison.Ordinal) ? e.Path[2..] : e.Path;
            return (null, BadRequest(field is null ? "body: a JSON object is required" : $"{field}: not a valid value"));
        }
    }

    public static ProblemHttpResult BadRequest(string title) =>
        TypedResults.Problem(title: title, statusCode: StatusCodes.Status400BadRequest);
}
