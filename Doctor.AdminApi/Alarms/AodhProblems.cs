using Microsoft.AspNetCore.Http.HttpResults;

namespace Doctor.AdminApi.Alarms;

/// <summary>
/// Problem+json answers of the Aodh API. Beside the title they carry Aodh's own error body, <c>error_message</c> with
/// the same text as <c>faultstring</c>, for clients that read errors the way Aodh writes them.
/// </summary>
public static class AodhProblems
{
    public static ProblemHttpResult BadRequest(string title) => Problem(title, StatusCodes.Status400BadRequest);

    public static ProblemHttpResult Forbidden(string title) => Problem(title, StatusCodes.Status403Forbidden);

    public static ProblemHttpResult NotFound(string title) => Problem(title, StatusCodes.Status404NotFound);

    /// <summary>Aodh's <c>ProjectNotAuthorized</c>; 403 here, where Aodh says 401 (our 401 means a missing or bad token).</summary>
    public static ProblemHttpResult ProjectNotAuthorized(string project) => Forbidden($"Not Authorized to access project {project}");

    public static ProblemHttpResult Problem(string title, int status) =>
        TypedResults.Problem(title: title, statusCode: status, extensions: new Dictionary<string, object?>
        {
            ["error_message"] = new Dictionary<string, object?> { ["faultstring"] = title, ["faultcode"] = status >= 500 ? "Server" : "Client", ["debuginfo"] = null },
        });
}
