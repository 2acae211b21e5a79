using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Doctor.Tests.Infrastructure;

namespace Doctor.Tests.Constraints;

public sealed class ConstraintApiTests(DoctorApiFactory api) : IClassFixture<DoctorApiFactory>
{
    private readonly HttpClient _client = api.CreateClient();

    [Fact]
    public async Task GivenGroupAndInstance_WhenPutThenGet_ThenTheFenixShapesRoundTrip()
    {
        (await _client.PutAsJsonAsync("/v1/instance_group/g1", new { group_id = "g1", project_id = "p1", group_name = "ha", anti_affinity_group = true, max_impacted_members = 1, recovery_time = 10 }))
            .EnsureSuccessStatusCode();
        (await _client.PutAsJsonAsync("/v1/instance/vm1", new { instance_id = "vm1", project_id = "p1", group_id = "g1", instance_name = "ha-0", max_interruption_time = 0, migration_type = "LIVE_MIGRATE", lead_time = 60 }))
            .EnsureSuccessStatusCode();

        var group = await _client.GetFromJsonAsync<JsonObject>("/v1/instance_group/g1");
        var instance = await _client.GetFromJsonAsync<JsonObject>("/v1/instance/vm1");

        Assert.True(group!["anti_affinity_group"]!.GetValue<bool>());
        Assert.Equal(1, group["max_impacted_members"]!.GetValue<int>());
        Assert.Equal("g1", instance!["group_id"]!.GetValue<string>());
        Assert.Equal("LIVE_MIGRATE", instance["migration_type"]!.GetValue<string>());
    }

    [Fact]
    public async Task GivenInstanceConstraint_WhenDeleted_ThenItIsGone()
    {
        (await _client.PutAsJsonAsync("/v1/instance/vm-del", new { project_id = "p1" })).EnsureSuccessStatusCode();

        Assert.Equal(HttpStatusCode.NoContent, (await _client.DeleteAsync("/v1/instance/vm-del")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync("/v1/instance/vm-del")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.DeleteAsync("/v1/instance/vm-del")).StatusCode);
    }

    [Theory]
    [InlineData("/v1/instance/vm2", """{"instance_id":"other","project_id":"p1"}""", "instance_id: 'other' does not match")]
    [InlineData("/v1/instance/vm2", """{"group_id":"g"}""", "project_id: required")]
    [InlineData("/v1/instance/vm2", """{"project_id":"p1","max_interruption_time":-1}""", "max_interruption_time")]
    [InlineData("/v1/instance/vm2", """{"project_id":"p1","migration_type":"TELEPORT"}""", "migration_type: 'TELEPORT'")]
    [InlineData("/v1/instance/vm2", """{"project_id":"p1","lead_time":"soon"}""", "lead_time")]
    [InlineData("/v1/instance_group/g2", """{"project_id":"p1","max_impacted_members":0}""", "max_impacted_members")]
    [InlineData("/v1/instance_group/g2", """{"project_id":"p1","max_instances_per_host":0}""", "max_instances_per_host")]
    [InlineData("/v1/instance_group/g2", """{"group_id":"g3","project_id":"p1"}""", "group_id: 'g3' does not match")]
    [InlineData("/v1/instance_group/g2", """{"project_id":"p1","anti_affinity_group":"yes"}""", "anti_affinity_group")]
    [InlineData("/v1/instance_group/g2", """{"project_id":""", "malformed JSON")]
    public async Task GivenBadConstraint_WhenPut_ThenProblem400NamingTheFieldAndNothingStored(string path, string body, string expected)
    {
        var response = await _client.PutAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(expected, (await response.Content.ReadFromJsonAsync<JsonObject>())!["title"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync(path)).StatusCode);
    }

    [Fact]
    public async Task GivenGroupOfAnotherProject_WhenInstanceJoinsIt_ThenProblem400()
    {
        (await _client.PutAsJsonAsync("/v1/instance_group/theirs", new { project_id = "p2" })).EnsureSuccessStatusCode();

        var response = await _client.PutAsJsonAsync("/v1/instance/mine", new { project_id = "p1", group_id = "theirs" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync("/v1/instance/mine")).StatusCode);
    }
}
