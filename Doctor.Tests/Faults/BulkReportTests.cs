using System.Text.Json.Nodes;
using Doctor.Tests.Infrastructure;
using Doctor.Tests.Maintenance;

namespace Doctor.Tests.Faults;

/// <summary>
/// A bulk report mixing faults that fence nothing with one that fences: the former are one event of the report's
/// stream, the latter its own incident stream; all are listed and profiled, also after a restart rebuilt them from the store.
/// </summary>
[Collection("faults-e2e")]
public sealed class BulkReportTests : IAsyncLifetime
{
    private TestDatabase _db = null!;

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task GivenABulkReport_ThenRecordOnlyFaultsShareOneEvent_TheFenceHasItsStream_AndAllSurviveARestart()
    {
        var cloud = FaultClouds.Create(hosts: 3, vmsPerHost: 2, owners: 2);
        var events = new JsonArray();
        var time = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.ffffff", System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (type, host) in new[] { ("compute.host.fan.warning", "compute-0"), ("compute.host.fan.warning", "compute-1"), ("compute.host.down", "compute-2"), ("compute.host.down", "ghost-9") })
            events.Add(new JsonObject { ["time"] = time, ["type"] = type, ["details"] = new JsonObject { ["hostname"] = host } });

        string[] ids;
        await using (var server = await DoctorServer.StartAsync(_db, cloud))
        {
            var answer = await server.Client.PutEventsAsync(events.ToJsonString());
            var incidents = answer["incidents"]!.AsArray();
            Assert.Equal(["recorded", "recorded", "fence", "unmatched"], incidents.Select(i => i!["verdict"]!.GetValue<string>()));
            ids = [.. incidents.Select(i => i!["incident_id"]!.GetValue<string>())];
        }

        await using (var count = _db.DataSource.CreateCommand(
            "SELECT stream_id LIKE 'faults-%', count(*) FROM doctor.events WHERE stream_id LIKE 'faults-%' OR stream_id LIKE 'incident-%' GROUP BY 1 ORDER BY 1"))
        await using (var reader = await count.ExecuteReaderAsync())
        {
            Assert.True(await reader.ReadAsync());
            Assert.False(reader.GetBoolean(0)); // the fenced incident's own stream: its events and its outbox record
            Assert.True(reader.GetInt64(1) >= 4);
            Assert.True(await reader.ReadAsync());
            Assert.True(reader.GetBoolean(0));
            Assert.Equal(1, reader.GetInt64(1)); // three faults that fenced nothing: one event
        }

        await using var restarted = await DoctorServer.StartAsync(_db, cloud);
        var listed = (await restarted.Client.GetJsonAsync("/v1/incidents")).AsArray().Select(i => i!["incident_id"]!.GetValue<string>()).ToHashSet();
        Assert.Superset(ids.ToHashSet(), listed);
        foreach (var id in ids)
        {
            var profile = await restarted.Client.GetJsonAsync($"/v1/incidents/{id}/profile");
            Assert.Contains("correlated", profile["stages"]!.AsArray().Select(s => s!["stage"]!.GetValue<string>()));
        }
        var unmatched = (await restarted.Client.GetJsonAsync("/v1/faults?virtual_resource_id=ghost-9"))["faults"]!.AsArray();
        Assert.Single(unmatched);
    }
}
