using Doctor.AdminApi.Auth;
using Microsoft.AspNetCore.Routing.Patterns;

namespace Doctor.Tests.Auth;

/// <summary>The admin-route table covers every admin route of every feature, whatever its parameters are called, and no project route.</summary>
public sealed class AdminRoutesTests
{
    [Theory]
    [InlineData("GET", "/v1/maintenance/")]
    [InlineData("POST", "/v1/maintenance")]
    [InlineData("POST", "/v1/maintenance/{sessionId}")]
    [InlineData("PUT", "/v1/maintenance/{sessionId}")]
    [InlineData("GET", "/v1/maintenance/{sessionId}/detail")]
    [InlineData("DELETE", "/v1/maintenance/{sid}/")]
    [InlineData("GET", "/v1/maintenance/{id}/history")]
    [InlineData("GET", "/v1/infra/hosts")]
    [InlineData("PUT", "/v1/infra/floating_ips/{ip}")]
    [InlineData("GET", "/v1/events")]
    [InlineData("GET", "/v1/streams/{streamId}/events")]
    [InlineData("PUT", "/v1/resources/physical/{id}/state")]
    [InlineData("GET", "/v1/resources/physical")]
    [InlineData("PUT", "/v1/os-services/force-down")]
    [InlineData("GET", "/v1/dead-letters")]
    [InlineData("POST", "/v1/dead-letters/{id}/retry")]
    [InlineData("PUT", "/v1/inspector/events")]
    [InlineData("GET", "/v1/incidents/{id}/profile")]
    [InlineData("DELETE", "/v1/auth/tokens/{id}")]
    public void GivenAdminRoute_ThenCovered(string method, string pattern) =>
        Assert.True(AdminRoutes.IsAdminOnly(method, RoutePatternFactory.Parse(pattern)), $"{method} {pattern}");

    [Theory]
    [InlineData("GET", "/v1/maintenance/{sessionId}")]
    [InlineData("GET", "/v1/maintenance/{sessionId}/{projectId}")]
    [InlineData("PUT", "/v1/maintenance/{sessionId}/{projectId}")]
    [InlineData("PUT", "/v1/maintenance/{sessionId}/{projectId}/{instanceId}")]
    [InlineData("POST", "/v2/alarms")]
    [InlineData("GET", "/v2/alarms/{id}/history")]
    [InlineData("PUT", "/v1/instance/{instanceId}")]
    [InlineData("POST", "/v1/subscriptions")]
    [InlineData("GET", "/v1/infrastructure")]
    public void GivenProjectRoute_ThenNotCovered(string method, string pattern) =>
        Assert.False(AdminRoutes.IsAdminOnly(method, RoutePatternFactory.Parse(pattern)), $"{method} {pattern}");
}
