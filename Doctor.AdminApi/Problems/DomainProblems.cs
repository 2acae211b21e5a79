using Doctor.Domain;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Doctor.AdminApi.Problems;

/// <summary>Turns refusals into RFC 7807 answers whose title says what is wrong and where.</summary>
public static class DomainProblems
{
    public static ProblemHttpResult From(DomainRuleViolation violation) =>
        TypedResults.Problem(title: violation.Message, statusCode: violation.Kind switch
        {
            RuleKind.Invalid => StatusCodes.Status400BadRequest,
            RuleKind.NotFound => StatusCodes.Status404NotFound,
            RuleKind.Forbidden => StatusCodes.Status403Forbidden,
            _ => StatusCodes.Status409Conflict,
        });

    public static ProblemHttpResult BadRequest(string title) => TypedResults.Problem(title: title, statusCode: StatusCodes.Status400BadRequest);

    public static ProblemHttpResult NotFound(string title) => TypedResults.Problem(title: title, statusCode: StatusCodes.Status404NotFound);
}
