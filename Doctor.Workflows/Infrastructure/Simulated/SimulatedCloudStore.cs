using System.Text.Json;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Doctor.Workflows.Infrastructure.Simulated;

/// <summary>
/// Keeps a <see cref="SimulatedCloud"/> in one PostgreSQL row (migration 0008). A change is one transaction that
/// locks the row, brings the cloud up to date if another node (or an earlier life of this one) changed it, applies
/// the change and writes the document back with the next version; a read takes the row only when its version moved.
/// One row serializes every change across nodes: right for a simulation of tens of hosts and thousands of
/// instances, not meant for the 100 × 1,000 benchmark topology (use the in-memory store there).
/// Called only under the cloud's lock, so its fields need no other guard. Synchronous on purpose: the cloud's
/// operations run under a lock that must not be held across an await.
/// </summary>
internal sealed class SimulatedCloudStore(NpgsqlDataSource dataSource, SimulatedCloudDocument initial, ILogger logger)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    private long _loadedVersion = -1;
    private string? _loadedJson;

    /// <summary>Brings the cloud up to date for a read; finishes due migrations first if there are any.</summary>
    public void Refresh(SimulatedCloud cloud)
    {
        try
        {
            using var connection = dataSource.OpenConnection();
            var (version, json) = Select(connection, null, forUpdate: false);
            Adopt(cloud, version, json);
        }
        catch
        {
            _loadedVersion = -1;
            throw;
        }
        if (cloud.HasDueMigrations())
            BeginWrite(cloud).Dispose();
    }

    /// <summary>Opens a change: the row is locked and the cloud current until the returned unit is disposed, which writes and commits.</summary>
    public IDisposable BeginWrite(SimulatedCloud cloud)
    {
        var connection = dataSource.OpenConnection();
        try
        {
            var transaction = connection.BeginTransaction();
            var (version, json) = Select(connection, transaction, forUpdate: true);
            Adopt(cloud, version, json);
            var settled = cloud.SettleDueMigrations();
            return new Unit(this, cloud, connection, transaction, version, settled);
        }
        catch
        {
            _loadedVersion = -1;
            connection.Dispose();
            throw;
        }
    }

    private void Adopt(SimulatedCloud cloud, long version, string? json)
    {
        if (version == _loadedVersion)
            return;
        cloud.Import(JsonSerializer.Deserialize<SimulatedCloudDocument>(json!, Json)
            ?? throw new InvalidOperationException("doctor.simulated_cloud holds no document"));
        _loadedVersion = version;
        _loadedJson = JsonSerializer.Serialize(cloud.Export(), Json);
        logger.LogDebug("Simulated cloud loaded at version {Version}", version);
    }

    private (long Version, string? Json) Select(NpgsqlConnection connection, NpgsqlTransaction? transaction, bool forUpdate)
    {
        for (var attempt = 0; ; attempt++)
        {
            using (var select = new NpgsqlCommand(
                "SELECT version, CASE WHEN version = @loaded THEN NULL ELSE state::text END FROM doctor.simulated_cloud WHERE id = 1"
                + (forUpdate ? " FOR UPDATE" : ""), connection, transaction))
            {
                select.Parameters.AddWithValue("loaded", _loadedVersion);
                using var reader = select.ExecuteReader();
                if (reader.Read())
                    return (reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetString(1));
            }
            if (attempt > 0)
                throw new InvalidOperationException("doctor.simulated_cloud: the row vanished while seeding it");
            // First start on this database: the configured topology becomes the cloud (another node may win the race).
            using var insert = new NpgsqlCommand(
                "INSERT INTO doctor.simulated_cloud (id, version, state) VALUES (1, 1, @state::jsonb) ON CONFLICT (id) DO NOTHING",
                connection, transaction);
            insert.Parameters.AddWithValue("state", JsonSerializer.Serialize(initial, Json));
            insert.ExecuteNonQuery();
        }
    }

    private sealed class Unit(
        SimulatedCloudStore store, SimulatedCloud cloud, NpgsqlConnection connection, NpgsqlTransaction transaction,
        long version, IReadOnlyList<InfrastructureChange> settled) : IDisposable
    {
        public void Dispose()
        {
            try
            {
                var json = JsonSerializer.Serialize(cloud.Export(), Json);
                var newVersion = version;
                if (json != store._loadedJson)
                {
                    using var update = new NpgsqlCommand(
                        "UPDATE doctor.simulated_cloud SET version = @version, state = @state::jsonb, updated_at = now() WHERE id = 1",
                        connection, transaction);
                    update.Parameters.AddWithValue("version", ++newVersion);
                    update.Parameters.AddWithValue("state", json);
                    update.ExecuteNonQuery();
                }
                transaction.Commit();
                store._loadedVersion = newVersion;
                store._loadedJson = json;
            }
            catch
            {
                // The cloud in memory may hold a change the database never got: reload it next time.
                store._loadedVersion = -1;
                throw;
            }
            finally
            {
                transaction.Dispose();
                connection.Dispose();
            }
            cloud.RaiseLater(settled);
        }
    }
}
