using Npgsql;

namespace Doctor.Benchmarks;

/// <summary>What a commit costs on the benchmark server: durability settings first.</summary>
public sealed record ServerSettings(
    string Version, string Fsync, string SynchronousCommit, string WalSyncMethod, string FullPageWrites, string SharedBuffers, string CommitDelay, string MaxConnections)
{
    /// <summary>Every commit reaches the disk before it is acknowledged: the only setting figures may be published with.</summary>
    public bool Durable => Fsync == "on" && SynchronousCommit is "on" or "remote_apply" or "remote_write" or "local";

    /// <summary>The settings of the server <paramref name="connectionString"/> names.</summary>
    public static async Task<ServerSettings> ReadAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT split_part(version(), ' on ', 1), current_setting('fsync'), current_setting('synchronous_commit'),
                   current_setting('wal_sync_method'), current_setting('full_page_writes'), current_setting('shared_buffers'),
                   current_setting('commit_delay'), current_setting('max_connections')
            """, connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return new ServerSettings(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
            reader.GetString(4), reader.GetString(5), reader.GetString(6), reader.GetString(7));
    }

    public override string ToString() =>
        $"{Version}; fsync={Fsync}, synchronous_commit={SynchronousCommit}, wal_sync_method={WalSyncMethod}, full_page_writes={FullPageWrites}, "
        + $"shared_buffers={SharedBuffers}, commit_delay={CommitDelay}, max_connections={MaxConnections}"
        + (Durable ? " — durable" : " — NOT DURABLE: do not publish these figures");
}
