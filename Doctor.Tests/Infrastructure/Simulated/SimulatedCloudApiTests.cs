using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Doctor.AdminApi.Infrastructure;
using Doctor.Workflows.Infrastructure;
using Doctor.Workflows.Infrastructure.Simulated;

namespace Doctor.Tests.Infrastructure.Simulated;

public class SimulatedCloudApiTests : IAsyncLifetime
{
    private InfraApiHost _host = null!;

    private HttpClient Client => _host.Client;

    public async Task InitializeAsync() => _host = await InfraApiHost.StartAsync("doctor-test");

    public async Task DisposeAsync() => await _host.DisposeAsync();

    // ------------------------------------------------------------ reads

    [Fact]
    public async Task GetHosts_ReturnsContractFields()
    {
        var response = await Client.GetAsync("/v1/infra/hosts");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var first = json.RootElement[0];
        Assert.Equal("compute-0", first.GetProperty("name").GetString());
        Assert.Equal(2, first.GetProperty("vcpus").GetInt32());
        Assert.Equal(2, first.GetProperty("vcpus_used").GetInt32());
        Assert.Equal("normal", first.GetProperty("state").GetString());
        Assert.True(first.GetProperty("compute_enabled").GetBoolean());
        Assert.False(first.GetProperty("forced_down").GetBoolean());
        Assert.Equal("UP", first.GetProperty("ports_data_plane_status").GetString());
        Assert.Equal(3, json.RootElement.GetArrayLength());
    }

    [Fact]
    public async Task GetInstances_ReturnsContractFields_AndFiltersByProjectAndHost()
    {
        var all = await Client.GetFromJsonAsync<JsonElement>("/v1/infra/instances");
        var ha0 = all.EnumerateArray().Single(i => i.GetProperty("id").GetString() == "ha-0");
        Assert.Equal(
            """{"id":"ha-0","name":"ha-0","host":"compute-0","project_id":"doctor-test","status":"ACTIVE","host_status":"UP","floating_ip":"172.24.4.10","vcpus":1}""",
            ha0.GetRawText());

        var byProject = await Client.GetFromJsonAsync<InfraInstanceResponse[]>("/v1/infra/instances?project_id=doctor-test");
        var byHost = await Client.GetFromJsonAsync<InfraInstanceResponse[]>("/v1/infra/instances?host=compute-2");
        var both = await Client.GetFromJsonAsync<InfraInstanceResponse[]>("/v1/infra/instances?project_id=doctor-test&host=compute-1");
        var none = await Client.GetFromJsonAsync<InfraInstanceResponse[]>("/v1/infra/instances?project_id=someone-else");

        Assert.Equal(6, byProject!.Length);
        Assert.Equal(["nonha-2", "nonha-3"], byHost!.Select(i => i.Id));
        Assert.Equal(["ha-1", "nonha-1"], both!.Select(i => i.Id));
        Assert.Empty(none!);
    }

    [Fact]
    public async Task GetInstances_ShowsHostStatusDerivedFromHost()
    {
        await _host.Cloud.SetForcedDownAsync("compute-0", true);
        await _host.Cloud.SetHostStateAsync("compute-1", "maintenance");

        var instances = await Client.GetFromJsonAsync<InfraInstanceResponse[]>("/v1/infra/instances");

        Assert.Equal("DOWN", instances!.Single(i => i.Id == "ha-0").HostStatus);
        Assert.Equal("MAINTENANCE", instances!.Single(i => i.Id == "ha-1").HostStatus);
        Assert.Equal("UP", instances!.Single(i => i.Id == "nonha-2").HostStatus);
    }

    [Fact]
    public async Task GetInstance_Unknown_Is404Problem()
    {
        Assert.Equal("ha-1", (await Client.GetFromJsonAsync<InfraInstanceResponse>("/v1/infra/instances/ha-1"))!.Id);

        await AssertProblem(await Client.GetAsync("/v1/infra/instances/ghost"), HttpStatusCode.NotFound, "id: no instance 'ghost'");
    }

    // ------------------------------------------------------------ create / delete

    [Fact]
    public async Task PostInstance_PlacesItAndReturns201WithTheInstance()
    {
        await Seed("""{"hosts": [{"name": "compute-0", "vcpus": 4}, {"name": "compute-1", "vcpus": 8}]}""");

        var response = await Post("/v1/infra/instances", """{"project_id": "p1", "name": "web-0", "vcpus": 2}""");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var instance = await response.Content.ReadFromJsonAsync<InfraInstanceResponse>();
        Assert.Equal(("web-0", "compute-1", "p1", "ACTIVE", "UP", null, 2),
            (instance!.Name, instance.Host, instance.ProjectId, instance.Status, instance.HostStatus, instance.FloatingIp, instance.Vcpus));
        Assert.Equal($"/v1/infra/instances/{instance.Id}", response.Headers.Location!.OriginalString);
        Assert.NotNull(await _host.Cloud.GetInstanceAsync(instance.Id));
    }

    [Fact]
    public async Task PostInstance_WithId_KeepsIt()
    {
        await Seed("""{"hosts": [{"name": "compute-0", "vcpus": 4}]}""");

        var instance = await (await Post("/v1/infra/instances", """{"project_id": "p1", "name": "db", "vcpus": 1, "id": "db-1", "extra": true}"""))
            .Content.ReadFromJsonAsync<InfraInstanceResponse>();

        Assert.Equal("db-1", instance!.Id);
    }

    [Theory]
    [InlineData("""{"name": "n", "vcpus": 1}""", "project_id: required")]
    [InlineData("""{"project_id": "", "name": "n", "vcpus": 1}""", "project_id: required")]
    [InlineData("""{"project_id": "p1", "vcpus": 1}""", "name: required")]
    [InlineData("""{"project_id": "p1", "name": "   ", "vcpus": 1}""", "name: required")]
    [InlineData("""{"project_id": "p1", "name": "n"}""", "vcpus: required")]
    [InlineData("""{"project_id": "p1", "name": "n", "vcpus": 0}""", "vcpus: must be between 1 and 1024, got 0")]
    [InlineData("""{"project_id": "p1", "name": "n", "vcpus": -3}""", "vcpus: must be between 1 and 1024, got -3")]
    [InlineData("""{"project_id": "p1", "name": "n", "vcpus": 100000}""", "vcpus: must be between 1 and 1024, got 100000")]
    [InlineData("""{"project_id": "p1", "name": "n", "vcpus": "many"}""", "vcpus: not a valid value")]
    [InlineData("""{"project_id": "p1", "name": "n", "vcpus": 1.5}""", "vcpus: not a valid value")]
    [InlineData("""{"project_id": ["p1"], "name": "n", "vcpus": 1}""", "project_id: not a valid value")]
    [InlineData("""{"project_id": "p1", "name": "n", "vcpus": 1, "id": "ha-0"}""", "id: an instance with id 'ha-0' already exists")]
    [InlineData("""{"project_id": "p1", "name": "n", "vcpus": 1, "id": ""}""", "id: required")]
    [InlineData("""[1, 2]""", "body: a JSON object is required")]
    [InlineData("""{"project_id": "p1",""", "body: a JSON object is required")]
    [InlineData("""not json""", "body: a JSON object is required")]
    [InlineData("""null""", "body: a JSON object is required")]
    [InlineData("", "body: a JSON object is required")]
    public async Task PostInstance_WithBadInput_Is400ProblemNamingTheField(string body, string title)
    {
        await Seed("""{"hosts": [{"name": "compute-0", "vcpus": 64}], "instances": [{"id": "ha-0", "name": "ha-0", "host": "compute-0", "project_id": "p1", "vcpus": 1}]}""");

        await AssertProblem(await Post("/v1/infra/instances", body), HttpStatusCode.BadRequest, title);

        Assert.Single(_host.Cloud.Snapshot().Instances);
    }

    [Fact]
    public async Task PostInstance_WhenNoHostHasRoom_Is400ProblemAboutVcpus()
    {
        // doctor-test topology: every vCPU is used.
        await AssertProblem(await Post("/v1/infra/instances", """{"project_id": "p1", "name": "n", "vcpus": 1}"""),
            HttpStatusCode.BadRequest, "vcpus: no enabled host in state normal has 1 free vCPUs");
        Assert.Equal(6, _host.Cloud.Snapshot().Instances.Count);
    }

    [Fact]
    public async Task PostInstance_WithInjectedFailure_Is503Problem()
    {
        await Seed("""{"hosts": [{"name": "compute-0", "vcpus": 4}]}""");
        Assert.Equal(HttpStatusCode.NoContent, (await Post("/v1/infra/failures", """{"action": "create", "target": "*"}""")).StatusCode);

        await AssertProblem(await Post("/v1/infra/instances", """{"project_id": "p1", "name": "n", "vcpus": 1}"""),
            HttpStatusCode.ServiceUnavailable, "create of n: injected failure");
        Assert.Equal(HttpStatusCode.Created, (await Post("/v1/infra/instances", """{"project_id": "p1", "name": "n", "vcpus": 1}""")).StatusCode);
    }

    [Fact]
    public async Task DeleteInstance_Is204_ThenUnknownIs404()
    {
        Assert.Equal(HttpStatusCode.NoContent, (await Client.DeleteAsync("/v1/infra/instances/nonha-3")).StatusCode);

        Assert.Null(await _host.Cloud.GetInstanceAsync("nonha-3"));
        Assert.Equal(1, (await _host.Cloud.ListHostsAsync()).Single(h => h.Name == "compute-2").VcpusUsed);
        await AssertProblem(await Client.DeleteAsync("/v1/infra/instances/nonha-3"), HttpStatusCode.NotFound, "id: no instance 'nonha-3'");
    }

    [Fact]
    public async Task DeleteInstance_WithInjectedFailure_Is503AndKeepsIt()
    {
        _host.Cloud.InjectFailure("delete", "nonha-3");

        await AssertProblem(await Client.DeleteAsync("/v1/infra/instances/nonha-3"), HttpStatusCode.ServiceUnavailable, "delete of nonha-3: injected failure");
        Assert.NotNull(await _host.Cloud.GetInstanceAsync("nonha-3"));
    }

    // ------------------------------------------------------------ floating IPs

    [Fact]
    public async Task PutFloatingIp_SwitchesItOver()
    {
        var response = await Client.PutAsync("/v1/infra/floating_ips/172.24.4.10", Json("""{"instance_id": "ha-1"}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var instance = await response.Content.ReadFromJsonAsync<InfraInstanceResponse>();
        Assert.Equal(("ha-1", "172.24.4.10"), (instance!.Id, instance.FloatingIp));
        Assert.Null((await _host.Cloud.GetInstanceAsync("ha-0"))!.FloatingIp);
    }

    [Theory]
    [InlineData("172.24.4.10", """{}""", HttpStatusCode.BadRequest, "instance_id: required")]
    [InlineData("172.24.4.10", """{"instance_id": ""}""", HttpStatusCode.BadRequest, "instance_id: required")]
    [InlineData("172.24.4.10", """{"instance_id": 7}""", HttpStatusCode.BadRequest, "instance_id: not a valid value")]
    [InlineData("172.24.4.10", """oops""", HttpStatusCode.BadRequest, "body: a JSON object is required")]
    [InlineData("not-an-ip", """{"instance_id": "ha-1"}""", HttpStatusCode.BadRequest, "ip: 'not-an-ip' is not an IP address")]
    [InlineData("10.1", """{"instance_id": "ha-1"}""", HttpStatusCode.BadRequest, "ip: '10.1' is not an IP address")]
    [InlineData("172.24.4.10", """{"instance_id": "ghost"}""", HttpStatusCode.NotFound, "instance_id: no instance 'ghost'")]
    [InlineData("172.24.4.99", """{"instance_id": "ha-0"}""", HttpStatusCode.Conflict, "instance_id: instance ha-0 already has floating IP 172.24.4.10")]
    public async Task PutFloatingIp_WithBadInput_IsProblemAndChangesNothing(string ip, string body, HttpStatusCode status, string title)
    {
        await AssertProblem(await Client.PutAsync($"/v1/infra/floating_ips/{ip}", Json(body)), status, title);

        Assert.Equal("172.24.4.10", (await _host.Cloud.GetInstanceAsync("ha-0"))!.FloatingIp);
        Assert.Null((await _host.Cloud.GetInstanceAsync("ha-1"))!.FloatingIp);
    }

    [Fact]
    public async Task PutFloatingIp_WithInjectedFailure_Is503()
    {
        _host.Cloud.InjectFailure("floating-ip", "172.24.4.10");

        await AssertProblem(await Client.PutAsync("/v1/infra/floating_ips/172.24.4.10", Json("""{"instance_id": "ha-1"}""")),
            HttpStatusCode.ServiceUnavailable, "floating-ip of 172.24.4.10: injected failure");
        Assert.Equal("172.24.4.10", (await _host.Cloud.GetInstanceAsync("ha-0"))!.FloatingIp);
    }

    // ------------------------------------------------------------ seed

    [Fact]
    public async Task PostSeed_ReplacesTopology_AndReturnsIt()
    {
        var response = await Post("/v1/infra/seed", """
            {"hosts": [{"name": "h1", "vcpus": 4}, {"name": "h2", "vcpus": 2}],
             "instances": [{"id": "x", "name": "x", "host": "h2", "project_id": "p1", "vcpus": 2, "floating_ip": "10.0.0.1"},
                           {"name": "y", "host": "h1", "project_id": "p2", "vcpus": 1}]}
            """);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var topology = await response.Content.ReadFromJsonAsync<InfraTopologyResponse>();
        Assert.Equal([("h1", 4, 1), ("h2", 2, 2)], topology!.Hosts.Select(h => (h.Name, h.Vcpus, h.VcpusUsed)));
        Assert.Equal(2, topology.Instances.Count);
        Assert.Equal("10.0.0.1", topology.Instances.Single(i => i.Id == "x").FloatingIp);
        Assert.True(Guid.TryParse(topology.Instances.Single(i => i.Name == "y").Id, out _));
        Assert.Equal(2, (await Client.GetFromJsonAsync<InfraInstanceResponse[]>("/v1/infra/instances"))!.Length);
    }

    [Theory]
    [InlineData("""{}""", "hosts: required")]
    [InlineData("""{"hosts": null}""", "hosts: required")]
    [InlineData("""{"hosts": "h1"}""", "hosts: not a valid value")]
    [InlineData("""{"hosts": [null]}""", "hosts[0]: must be an object")]
    [InlineData("""{"hosts": [{"vcpus": 2}]}""", "hosts[0].name: required")]
    [InlineData("""{"hosts": [{"name": "h1"}]}""", "hosts[0].vcpus: required")]
    [InlineData("""{"hosts": [{"name": "h1", "vcpus": 0}]}""", "hosts[0].vcpus: must be between 1 and 1048576, got 0")]
    [InlineData("""{"hosts": [{"name": "h1", "vcpus": 99999999}]}""", "hosts[0].vcpus: must be between 1 and 1048576, got 99999999")]
    [InlineData("""{"hosts": [{"name": "h1", "vcpus": "x"}]}""", "hosts[0].vcpus: not a valid value")]
    [InlineData("""{"hosts": [{"name": "h1", "vcpus": 2}, {"name": "h1", "vcpus": 2}]}""", "hosts[1].name: duplicate host 'h1'")]
    [InlineData("""{"hosts": [{"name": "h1", "vcpus": 2}], "instances": [null]}""", "instances[0]: must be an object")]
    [InlineData("""{"hosts": [{"name": "h1", "vcpus": 2}], "instances": [{"name": "a", "host": "h9", "project_id": "p", "vcpus": 1}]}""", "instances[0].host: unknown host 'h9'")]
    [InlineData("""{"hosts": [{"name": "h1", "vcpus": 2}], "instances": [{"name": "a", "project_id": "p", "vcpus": 1}]}""", "instances[0].host: required")]
    [InlineData("""{"hosts": [{"name": "h1", "vcpus": 2}], "instances": [{"host": "h1", "project_id": "p", "vcpus": 1}]}""", "instances[0].name: required")]
    [InlineData("""{"hosts": [{"name": "h1", "vcpus": 2}], "instances": [{"name": "a", "host": "h1", "vcpus": 1}]}""", "instances[0].project_id: required")]
    [InlineData("""{"hosts": [{"name": "h1", "vcpus": 2}], "instances": [{"name": "a", "host": "h1", "project_id": "p"}]}""", "instances[0].vcpus: required")]
    [InlineData("""{"hosts": [{"name": "h1", "vcpus": 2}], "instances": [{"name": "a", "host": "h1", "project_id": "p", "vcpus": -1}]}""", "instances[0].vcpus: must be between 1 and 1024, got -1")]
    [InlineData("""{"hosts": [{"name": "h1", "vcpus": 2}], "instances": [{"name": "a", "host": "h1", "project_id": "p", "vcpus": 3}]}""", "instances[0].host: host 'h1' has 2 of 2 vCPUs free, instance 'a' needs 3")]
    [InlineData("""{"hosts": [{"name": "h1", "vcpus": 2}], "instances": [{"id": "a", "name": "a", "host": "h1", "project_id": "p", "vcpus": 1}, {"id": "a", "name": "b", "host": "h1", "project_id": "p", "vcpus": 1}]}""", "instances[1].id: duplicate instance id 'a'")]
    [InlineData("""{"hosts": [{"name": "h1", "vcpus": 2}], "instances": [{"name": "a", "host": "h1", "project_id": "p", "vcpus": 1, "floating_ip": "x.y"}]}""", "instances[0].floating_ip: 'x.y' is not an IP address")]
    [InlineData("""{"hosts": [{"name": "h1", "vcpus": 2}], "instances": [{"name": "a", "host": "h1", "project_id": "p", "vcpus": 1, "floating_ip": "10.0.0.1"}, {"name": "b", "host": "h1", "project_id": "p", "vcpus": 1, "floating_ip": "10.0.0.1"}]}""", "instances[1].floating_ip: floating IP 10.0.0.1 is already on another instance")]
    [InlineData("""{"hosts": [{"name": "h1", "vcpus": 2}], "instances": {"name": "a"}}""", "instances: not a valid value")]
    [InlineData("""{"hosts": [""", "hosts[0]: not a valid value")]
    [InlineData("", "body: a JSON object is required")]
    public async Task PostSeed_WithBadInput_Is400ProblemNamingTheItem_AndKeepsTheTopology(string body, string title)
    {
        var before = _host.Cloud.Snapshot();

        await AssertProblem(await Post("/v1/infra/seed", body), HttpStatusCode.BadRequest, title);

        Assert.Equal(before.Hosts, _host.Cloud.Snapshot().Hosts);
        Assert.Equal(before.Instances, _host.Cloud.Snapshot().Instances);
    }

    // ------------------------------------------------------------ failures

    [Fact]
    public async Task PostFailure_MakesNextMigrationFail_DeleteFailuresClearsThem()
    {
        await Seed("""{"hosts": [{"name": "h1", "vcpus": 2}, {"name": "h2", "vcpus": 2}], "instances": [{"id": "a", "name": "a", "host": "h1", "project_id": "p", "vcpus": 1}]}""");

        Assert.Equal(HttpStatusCode.NoContent, (await Post("/v1/infra/failures", """{"action": "migrate", "target": "a"}""")).StatusCode);
        await Assert.ThrowsAsync<InfrastructureActionFailedException>(() => _host.Cloud.MigrateAsync("a", live: true));

        Assert.Equal(HttpStatusCode.NoContent, (await Post("/v1/infra/failures", """{"action": "*", "target": "*"}""")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await Client.DeleteAsync("/v1/infra/failures")).StatusCode);
        Assert.Empty(_host.Cloud.Snapshot().PendingFailures);
        Assert.Equal("h2", (await _host.Cloud.MigrateAsync("a", live: true)).Host);
    }

    [Theory]
    [InlineData("""{"target": "*"}""", "action: required")]
    [InlineData("""{"action": "explode", "target": "*"}""", "action: unknown action 'explode' (expected * or one of create, delete, migrate, live-migrate, compute-service, force-down, host-state, reset-state, ports-status, floating-ip)")]
    [InlineData("""{"action": "migrate"}""", "target: required")]
    [InlineData("""{"action": 1, "target": "*"}""", "action: not a valid value")]
    [InlineData("""[]""", "body: a JSON object is required")]
    public async Task PostFailure_WithBadInput_Is400Problem(string body, string title)
    {
        await AssertProblem(await Post("/v1/infra/failures", body), HttpStatusCode.BadRequest, title);

        Assert.Empty(_host.Cloud.Snapshot().PendingFailures);
    }

    // ------------------------------------------------------------ plumbing

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private Task<HttpResponseMessage> Post(string path, string body) => Client.PostAsync(path, Json(body));

    private async Task Seed(string body)
    {
        var response = await Post("/v1/infra/seed", body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task AssertProblem(HttpResponseMessage response, HttpStatusCode status, string title)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(text);
        Assert.Equal(title, json.RootElement.GetProperty("title").GetString());
        Assert.Equal((int)status, json.RootElement.GetProperty("status").GetInt32());
    }
}
