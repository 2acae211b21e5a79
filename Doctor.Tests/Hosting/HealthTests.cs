using System.Net;
using System.Text.Json;
using Doctor.Tests.Infrastructure;
using Npgsql;

namespace Doctor.Tests.Hosting;

public sealed class HealthTests(DoctorApiFactory api) : IClassFixture<DoctorApiFactory>
{
    [Fact]
    public async Task Health_WhenDatabaseRefusesConnections_Returns503DatabaseUnhealthy_AndRecovers()
    {
        using var client = api.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);

        await SetConnectionsAllowed(false);
        try
        {
            using var down = await client.GetAsync("/health");

            Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
            using var body = JsonDocument.Parse(await down.Content.ReadAsStringAsync());
            Assert.Equal("unhealthy", body.RootElement.GetProperty("status").GetString());
            var database = body.RootElement.GetProperty("checks").GetProperty("database");
            Assert.Equal("unhealthy", database.GetProperty("status").GetString());
            Assert.StartsWith("unreachable", database.GetProperty("description").GetString());
        }
        finally
        {
            await SetConnectionsAllowed(true);
        }

        using var up = await client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, up.StatusCode);
    }

    // The service's server stays up but stops taking connections to its database, and the open
    // ones are cut: what the service sees when its database goes away.
    private async Task SetConnectionsAllowed(bool allowed)
    {
        await using var admin = new NpgsqlConnection(TestDatabase.ServerConnectionString);
        await admin.OpenAsync();
        var name = api.Database.Name;
        await using var alter = new NpgsqlCommand($"ALTER DATABASE \"{name}\" WITH ALLOW_CONNECTIONS {(allowed ? "true" : "false")}", admin);
        await alter.ExecuteNonQueryAsync();
        if (!allowed)
        {
            await using var cut = new NpgsqlCommand(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", admin)
            {
                Parameters = { new NpgsqlParameter { Value = name } },
            };
            await cut.ExecuteNonQueryAsync();
        }
    }
}
