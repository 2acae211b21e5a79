using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Doctor.Domain.Maintenance;
using Doctor.Tests.Infrastructure;
using Doctor.Workflows.EventStore;
using Doctor.Workflows.Maintenance;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Doctor.Tests.Maintenance;

/// <summary>
/// <c>GET /v1/maintenance</c> reads the session list, a read model kept in the transaction of each session's events:
/// its cost does not grow with the sessions' streams, and it answers while no stream can be read at all.
/// </summary>
public sealed class SessionListTests(SessionListTests.Factory api) : IClassFixture<SessionListTests.Factory>
{
    public sealed class Factory : DoctorApiFactory
    {
        protected override void ConfigureDoctor(IWebHostBuilder builder) => builder.UseSetting("Doctor:Simulated:Topology", "doctor-test");
    }

    private MaintenanceSessions Sessions => api.Services.GetRequiredService<MaintenanceSessions>();

    /// <summary>A session with a long stream, ended failed in the same append (so the engine leaves it alone), or deleted.</summary>
    private async Task<string> SeedAsync(int states, bool deleted = false)
    {
        var sid = Guid.NewGuid().ToString();
        await Sessions.ExecuteAllAsync(sid, (_, t) =>
        [
            new CreateSession(sid, "default", 1, ["compute-0"], t.AddHours(1), "iso", "{}", [], SubscriptionPolicy.Proceed, "MAINTENANCE", t),
            .. Enumerable.Range(0, states).Select(i => (MaintenanceCommand)new EnterState(i % 2 == 0 ? "SCALE_IN" : "PREPARE_MAINTENANCE", $"step {i}", t)),
            deleted ? new DeleteSession("admin", t) : new FailSession("seeded", t),
        ], EventMetadata.Engine(sid));
        return sid;
    }

    private async Task<JsonObject> ListAsync(HttpClient client, CancellationToken ct = default)
    {
        var response = await client.GetAsync("/v1/maintenance", ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>(ct))!;
    }

    [Fact]
    public async Task GivenManySessionsWithLongStreams_WhenListedWhileNoStreamCanBeRead_ThenEverySessionIsListedUnderBothKeys()
    {
        var listed = new List<string>();
        for (var i = 0; i < 40; i++)
            listed.Add(await SeedAsync(states: 30));
        var gone = await SeedAsync(states: 3, deleted: true);
        using var client = api.CreateClient();

        // Nothing can read a stream while this transaction holds the event tables: a list that read one would wait.
        await using var connection = new NpgsqlConnection(api.Database.ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var lockTables = new NpgsqlCommand("LOCK TABLE doctor.events, doctor.streams IN ACCESS EXCLUSIVE MODE", connection, transaction))
            await lockTables.ExecuteNonQueryAsync();
        using var within = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var list = await ListAsync(client, within.Token);
        await transaction.RollbackAsync();

        var ids = list["session_id"]!.AsArray().Select(s => s!.GetValue<string>()).ToList();
        Assert.Superset(listed.ToHashSet(), ids.ToHashSet());
        Assert.DoesNotContain(gone, ids);
        Assert.Equal(ids, list["sessions"]!.AsArray().Select(s => s!.GetValue<string>())); // Fenix's code reads this key
        Assert.Equal(listed, ids.Where(listed.Contains)); // oldest first
    }

    [Fact]
    public async Task GivenASession_WhenItsStatusChanges_ThenItsListRowFollows_AtTheStreamVersionOfTheChange()
    {
        var sid = Guid.NewGuid().ToString();
        var created = await Sessions.ExecuteAsync(sid, (_, t) => new CreateSession(sid, "default", 1, ["compute-0"], t.AddHours(1), "iso", "{}", [],
            SubscriptionPolicy.Proceed, "MAINTENANCE", t), EventMetadata.Engine(sid));
        Assert.Equal(("running", "MAINTENANCE", created.Version), await RowAsync(sid));

        var disabled = await Sessions.ExecuteAsync(sid, (_, t) => new DisableCompute("compute-0", t), EventMetadata.Engine(sid));
        Assert.Equal(("running", "MAINTENANCE", created.Version), await RowAsync(sid)); // nothing the list shows changed: no write
        var failed = await Sessions.ExecuteAsync(sid, (_, t) => new FailSession("test", t), EventMetadata.Engine(sid));
        Assert.Equal(("failed", "MAINTENANCE", failed.Version), await RowAsync(sid));
        Assert.True(failed.Version > disabled.Version);
        var deleted = await Sessions.ExecuteAsync(sid, (_, t) => new DeleteSession("admin", t), EventMetadata.Engine(sid));

        Assert.Equal(("deleted", "MAINTENANCE", deleted.Version), await RowAsync(sid));
        using var client = api.CreateClient();
        Assert.DoesNotContain(sid, (await ListAsync(client))["session_id"]!.AsArray().Select(s => s!.GetValue<string>()));
    }

    [Fact]
    public async Task GivenSessionsWrittenBeforeTheListExisted_WhenTheServiceStarts_ThenTheyAreListedWithTheirStatus()
    {
        var failed = await SeedAsync(states: 2);
        var deleted = await SeedAsync(states: 2, deleted: true);
        await using (var forget = api.Database.DataSource.CreateCommand("DELETE FROM doctor.maintenance_session_list WHERE session_id = ANY($1)"))
        {
            forget.Parameters.Add(new NpgsqlParameter { Value = new[] { failed, deleted } });
            await forget.ExecuteNonQueryAsync();
        }

        await api.Services.GetServices<IHostedService>().OfType<SessionListBackfill>().Single().StartAsync(CancellationToken.None);

        Assert.Equal("failed", (await RowAsync(failed)).Status);
        Assert.Equal("deleted", (await RowAsync(deleted)).Status);
        using var client = api.CreateClient();
        var ids = (await ListAsync(client))["session_id"]!.AsArray().Select(s => s!.GetValue<string>()).ToList();
        Assert.Contains(failed, ids);
        Assert.DoesNotContain(deleted, ids);
    }

    private async Task<(string Status, string State, long Version)> RowAsync(string sid)
    {
        await using var command = api.Database.DataSource.CreateCommand("SELECT status, state, version FROM doctor.maintenance_session_list WHERE session_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = sid });
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), $"no list row for session {sid}");
        return (reader.GetString(0), reader.GetString(1), reader.GetInt64(2));
    }
}
