using Doctor.AdminApi.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Doctor.AdminApi.Auth;

/// <summary><c>/v1/auth/tokens</c> (admin): create, list and revoke project tokens.</summary>
public static class AuthEndpoints
{
    private const int MaxText = 200;

    public static RouteGroupBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        var tokens = app.MapGroup("/v1/auth/tokens").WithTags("Auth").RequireAuthorization(DoctorPolicies.Admin);
        tokens.MapPost("/", CreateAsync).WithSummary("Create a token; its secret is in this answer only (admin)");
        tokens.MapGet("/", ListAsync).WithSummary("List tokens, without secrets (admin)");
        tokens.MapDelete("/{id}", RevokeAsync).WithSummary("Revoke a token, at once on every node (admin)");
        return tokens;
    }

    private static async Task<Results<Created<TokenCreatedResponse>, ProblemHttpResult>> CreateAsync(
        CreateTokenRequest request, HttpContext http, AccessTokenStore store, ILogger<AccessTokenStore> logger, CancellationToken ct)
    {
        var role = request.Role ?? DoctorClaims.ProjectRole;
        if (role is not (DoctorClaims.ProjectRole or DoctorClaims.AdminRole))
            return DomainProblems.BadRequest($"role: '{role}' is not project or admin");
        if (Invalid(request.Name, "name") is { } badName)
            return DomainProblems.BadRequest(badName);
        if (role == DoctorClaims.ProjectRole && Invalid(request.ProjectId, "project_id") is { } badProject)
            return DomainProblems.BadRequest(badProject);
        if (role == DoctorClaims.AdminRole && request.ProjectId is not null)
            return DomainProblems.BadRequest("project_id: an admin token belongs to no project");
        var (token, secret) = await store.CreateAsync(role, request.ProjectId, request.Name!, http.Actor(), ct);
        logger.LogInformation("Token {TokenId} ({Role} {ProjectId}, {Name}) created by {Actor}", token.Id, token.Role, token.ProjectId, token.Name, http.Actor());
        return TypedResults.Created($"/v1/auth/tokens/{token.Id}",
            new TokenCreatedResponse(token.Id, secret, token.Role, token.ProjectId, token.Name, token.CreatedAt));
    }

    private static async Task<Ok<List<TokenView>>> ListAsync(AccessTokenStore store, CancellationToken ct) =>
        TypedResults.Ok((await store.ListAsync(ct)).Select(TokenView.Of).ToList());

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(
        string id, HttpContext http, AccessTokenStore store, ILogger<AccessTokenStore> logger, CancellationToken ct)
    {
        if (!Guid.TryParse(id, out var tokenId) || !await store.RevokeAsync(tokenId, ct))
            return DomainProblems.NotFound($"id: no live token {id}");
        logger.LogInformation("Token {TokenId} revoked by {Actor}", tokenId, http.Actor());
        return TypedResults.NoContent();
    }

    private static string? Invalid(string? value, string field) => value switch
    {
        null or "" => $"{field}: required",
        _ when string.IsNullOrWhiteSpace(value) => $"{field}: must not be blank",
        { Length: > MaxText } => $"{field}: longer than {MaxText} characters",
        _ when value.Any(char.IsControl) => $"{field}: must not contain control characters",
        _ when value.Contains('/') => $"{field}: must not contain '/'",
        _ => null,
    };
}
