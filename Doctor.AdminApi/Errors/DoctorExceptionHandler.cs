using System.Diagnostics;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.Options;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;
using Microsoft.AspNetCore.Mvc;

namespace Doctor.AdminApi.Errors;

/// <summary>
/// Answers every exception that escapes an endpoint with application/problem+json: what the client
/// got wrong for bad requests, a bare 500 otherwise. Never a stack trace or exception text for a 500.
/// </summary>
internal sealed class DoctorExceptionHandler(
    IProblemDetailsService problems,
    IOptions<HttpJsonOptions> json,
    ILogger<DoctorExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        ProblemDetails problem;
        switch (exception)
        {
            case RequestBodyTooLargeException tooLarge:
                logger.LogInformation("Refused {Method} {Path}: body over {Limit} bytes", context.Request.Method, context.Request.Path, tooLarge.Limit);
                problem = new ProblemDetails
                {
                    Status = StatusCodes.Status413PayloadTooLarge,
                    Title = tooLarge.Message,
                    Detail = "Send a smaller body; the limit is set by Doctor__MaxRequestBodyBytes.",
                };
                break;
            case BadHttpRequestException bad:
                // The handler middleware has cleared the endpoint by now; its feature keeps it.
                var endpoint = context.Features.Get<IExceptionHandlerFeature>()?.Endpoint;
                var (title, detail) = BadRequestTitle.For(bad, endpoint, json.Value.SerializerOptions);
                logger.LogInformation("Refused {Method} {Path}: {Title}", context.Request.Method, context.Request.Path, title);
                problem = new ProblemDetails { Status = bad.StatusCode, Title = title, Detail = detail };
                break;
            case Npgsql.PostgresException { SqlState: "22P05" or "22021" or "54000" } unstorable:
                // Text or JSON the database cannot keep (NUL characters, too deep or too large); the statement wrote nothing.
                logger.LogInformation("Refused {Method} {Path}: the database cannot store the input ({SqlState})", context.Request.Method, context.Request.Path, unstorable.SqlState);
                problem = new ProblemDetails
                {
                    Status = StatusCodes.Status400BadRequest,
                    Title = "body: holds text or JSON that cannot be stored (NUL characters, or nested or sized past the database's limits)",
                };
                break;
            case OperationCanceledException when context.RequestAborted.IsCancellationRequested:
                // The client went away; nobody reads an answer.
                logger.LogDebug("Request {Method} {Path} aborted by the client", context.Request.Method, context.Request.Path);
                context.Response.StatusCode = 499;
                return true;
            default:
                logger.LogError(exception, "Unhandled exception answering {Method} {Path}", context.Request.Method, context.Request.Path);
                problem = new ProblemDetails
                {
                    Status = StatusCodes.Status500InternalServerError,
                    Title = "An unexpected error occurred.",
                    Detail = $"It was logged with trace id {Activity.Current?.Id ?? context.TraceIdentifier}.",
                };
                break;
        }
        context.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
    }
}
