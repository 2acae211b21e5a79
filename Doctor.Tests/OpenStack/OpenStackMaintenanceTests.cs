using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Doctor.Tests.Infrastructure;
using Doctor.Tests.Maintenance;
using Doctor.Workflows.Infrastructure.OpenStack;
using Microsoft.Extensions.DependencyInjection;

namespace Doctor.Tests.OpenStack;

/// <summary>
/// The Doctor maintenance scenario against a real Nova (the local OpenStack of ./test.sh) with Doctor's <c>openstack</c>
/// driver: the VNFM acts in Nova with its project's credentials, Doctor disables, migrates (cold, confirmed) and enables
/// real computes. Nova's own records — migrations, services, server groups — are the evidence.
/// </summary>
[Collection("openstack")]
public sealed class OpenStackMaintenanceTests : IAsyncLifetime
{
    private static readonly TimeSpan Within = TimeSpan.FromMinutes(3);
    private readonly OpenStackTestCloud _cloud = OpenStackTestCloud.Instance;
    private TestDatabase _db = null!;

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public async Task DisposeAsync()
    {
        await _db.DisposeAsync();
        await _cloud.RestoreComputesAsync();
    }

    [Fact]
    public async Task GivenDoctorTopologyOnNova_WhenVnfmAnswersAndDoctorsTokenIsRevoked_ThenDoneWithRealMigrationsAndEveryComputeEnabled()
    {
        var topology = await NovaDoctorTopology.CreateAsync(_cloud);
        await using var server = await DoctorServer.StartAsync(_db, settings: _cloud.DoctorSettings());
        await using var vnfm = await SampleAppManager.StartAsync(server, _cloud.DemoProjectId, new NovaVnfCloud(_cloud, _cloud.Demo));
        await vnfm.SubscribeAsync();
        var keystone = server.Services.GetRequiredService<OpenStackCloud>().Api.Keystone;
        var tokensBefore = keystone.TokensIssued;
        // Mid-session, an operator revokes Doctor's token: the next Nova call gets 401 and Doctor authenticates again.
        vnfm.BeforeReply = async state =>
        {
            if (state == "SCALE_IN")
                await RevokeAsync((await keystone.TokenAsync(CancellationToken.None)).Value);
        };
        var startedAt = DateTimeOffset.UtcNow;

        var sid = await server.Client.OpenSessionAsync(TimeSpan.FromSeconds(3));
        var session = await server.Client.WaitForStateAsync(sid, Within, "MAINTENANCE_DONE", "MAINTENANCE_FAILED");

        Assert.Empty(vnfm.Errors);
        Assert.True(session["state"]!.GetValue<string>() == "MAINTENANCE_DONE", session.ToJsonString());
        Assert.Equal(_cloud.Hosts.Order(), session["maintained_hosts"]!.AsArray().Select(h => h!.GetValue<string>()).Order());
        Assert.True(keystone.TokensIssued > tokensBefore, "the revoked token was not replaced");

        // Nova: every compute enabled again, six servers ACTIVE, the HA pair still apart.
        foreach (var host in _cloud.Hosts)
        {
            var service = await _cloud.ServiceAsync(host);
            Assert.Equal("enabled", service["status"]!.GetValue<string>());
            Assert.False(service["forced_down"]!.GetValue<bool>());
        }
        var servers = await _cloud.ServersAsync(_cloud.DemoProjectId);
        Assert.Equal(6, servers.Count);
        Assert.All(servers, s => Assert.Equal("ACTIVE", s["status"]!.GetValue<string>()));
        var haHosts = servers.Where(s => s["name"]!.GetValue<string>().StartsWith("ha-", StringComparison.Ordinal))
            .Select(s => s["OS-EXT-SRV-ATTR:host"]!.GetValue<string>()).ToList();
        Assert.Equal(2, haHosts.Distinct().Count());

        // Every move Doctor recorded is a real, confirmed migration in Nova, from the host the history names, once.
        var history = await server.Client.HistoryAsync(sid);
        var done = history.Where(e => e!["type"]!.GetValue<string>() == "maintenance.instance_action_done.v1").Select(e => e!["data"]!).ToList();
        var requested = history.Where(e => e!["type"]!.GetValue<string>() == "maintenance.instance_action_requested.v1").Select(e => e!["data"]!).ToList();
        Assert.NotEmpty(requested);
        Assert.Equal(requested.Count, done.Count);
        foreach (var byInstance in requested.GroupBy(m => m["instance_id"]!.GetValue<string>()))
        {
            // An instance moved off one host may be moved again when its new host's turn comes: one migration per request.
            var migrations = (await _cloud.MigrationsAsync(byInstance.Key)).Where(m => DateTimeOffset.Parse(m["created_at"]!.GetValue<string>() + "Z") >= startedAt.AddSeconds(-5)).ToList();
            Assert.Equal(byInstance.Select(m => m["from_host"]!.GetValue<string>()), migrations.Select(m => m["source_compute"]!.GetValue<string>()));
            Assert.All(migrations, m => Assert.Equal("confirmed", m["status"]!.GetValue<string>()));
        }
        // Nova was told why each compute was disabled.
        var disabled = history.Where(e => e!["type"]!.GetValue<string>() == "maintenance.compute_disabled.v1").ToList();
        Assert.Equal(_cloud.Hosts.Count, disabled.Count);
        Assert.Contains(history, e => e!["type"]!.GetValue<string>() == "maintenance.session_done.v1");
        _ = topology;
    }

    [Fact]
    public async Task GivenNovaRefusesTheMigration_WhenTheSessionMoves_ThenItFailsAsThePolicySaysWithNovasReason_AndComputesAreEnabled()
    {
        await NovaDoctorTopology.CreateAsync(_cloud);
        await using var server = await DoctorServer.StartAsync(_db, settings: _cloud.DoctorSettings());
        await using var vnfm = await SampleAppManager.StartAsync(server, _cloud.DemoProjectId, new NovaVnfCloud(_cloud, _cloud.Demo));
        await vnfm.SubscribeAsync();
        // When the VNFM has answered PLANNED_MAINTENANCE, another tenant takes every free vCPU: Nova has nowhere to go.
        vnfm.BeforeReply = async state =>
        {
            if (state != "PLANNED_MAINTENANCE")
                return;
            for (var i = 0; i < 6; i++)
            {
                var filler = await _cloud.BootAsync(_cloud.Other, $"filler-{i}");
                if (filler["status"]!.GetValue<string>() != "ACTIVE")
                    break;
            }
        };

        var sid = await server.Client.OpenSessionAsync(TimeSpan.FromSeconds(3));
        var session = await server.Client.WaitForStateAsync(sid, Within, "MAINTENANCE_FAILED", "MAINTENANCE_DONE");

        Assert.Equal("MAINTENANCE_FAILED", session["state"]!.GetValue<string>());
        var history = await server.Client.HistoryAsync(sid);
        var failed = Assert.Single(history, e => e!["type"]!.GetValue<string>() == "maintenance.instance_action_failed.v1");
        Assert.Contains("No valid host", failed!["data"]!["reason"]!.GetValue<string>());
        Assert.Contains("No valid host", session["reason"]!.GetValue<string>());
        // The failed session gives back every compute it disabled (the step right after the failure).
        foreach (var host in _cloud.Hosts)
            await Doctor.Tests.Faults.FaultApi.EventuallyAsync(async () => (await _cloud.ServiceAsync(host))["status"]!.GetValue<string>() == "enabled",
                $"{host} enabled again in Nova", seconds: 30);
        await _cloud.DeleteServersAsync(_cloud.OtherProjectId);
    }

    private async Task RevokeAsync(string token)
    {
        var admin = await _cloud.Admin.Keystone.TokenAsync(CancellationToken.None);
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Delete, _cloud.AuthUrl.TrimEnd('/') + "/auth/tokens");
        request.Headers.Add("X-Auth-Token", admin.Value);
        request.Headers.Add("X-Subject-Token", token);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"revoking: {(int)response.StatusCode}");
    }
}
