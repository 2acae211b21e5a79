using Microsoft.AspNetCore.Http.HttpResults;

namespace Doctor.AdminApi.Alarms;

/// <summary>Aodh's service documents: <c>GET /v2/capabilities</c> and <c>GET /</c> (versions, open to anyone, as Aodh's is).</summary>
public static class AodhServiceEndpoints
{
    public static IEndpointRouteBuilder MapAodhServiceApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v2/capabilities", () => TypedResults.Ok(CapabilitiesView.Doctor)).WithTags("Alarms")
            .WithSummary("Aodh's capabilities: simple and complex queries on alarms and history");
        routes.MapGet("/", Versions).WithTags("Alarms").AllowAnonymous()
            .WithSummary("Aodh's versions document (v2), for Aodh clients and load balancers");
        return routes;
    }

    private static Ok<ApiVersionsView> Versions(HttpRequest request) => TypedResults.Ok(ApiVersionsView.For($"{request.Scheme}://{request.Host}"));
}
