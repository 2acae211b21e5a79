using Microsoft.Extensions.Options;
using Npgsql;

namespace Doctor.Workflows.Maintenance.Engine;

/// <summary>
/// One node drives a session at a time (DESIGN.md §10): a pass of the engine over a session holds a PostgreSQL
/// advisory lock named after the session, on a connection of its own, for as long as the pass runs. Another node
/// that wants the session waits for it; a node that dies drops its connection and with it the lock, so the session
/// is free again within moments. The locks use the two-key form with a fixed first key ("DOCS"), a space apart from
/// the store's one-key locks; the second key is PostgreSQL's hash of the session id (a collision only makes two
/// sessions take turns).
/// </summary>
public sealed class SessionLeases(NpgsqlDataSource dataSource, IOptions<MaintenanceOptions> options)
{
    private const int KeySpace = 0x444F_4353;

    /// <summary>Takes the session's lease, waiting while another node (or pass) holds it.</summary>
    public async Task<SessionLease> TakeAsync(string sessionId, CancellationToken ct)
    {
        while (true)
        {
            if (await TryTakeAsync(sessionId, ct) is { } lease)
                return lease;
            await Task.Delay(options.Value.SessionLeaseRetry, ct);
        }
    }

    /// <summary>The session's lease, or null when someone else holds it now.</summary>
    public async Task<SessionLease?> TryTakeAsync(string sessionId, CancellationToken ct)
    {
        var connection = await dataSource.OpenConnectionAsync(ct);
        try
        {
            await using var take = new NpgsqlCommand("SELECT pg_try_advisory_lock(@space, hashtext(@session))", connection);
            take.Parameters.AddWithValue("space", KeySpace);
            take.Parameters.AddWithValue("session", sessionId);
            if ((bool)(await take.ExecuteScalarAsync(ct))!)
                return new SessionLease(connection, sessionId);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
        await connection.DisposeAsync();
        return null;
    }

    internal static async Task ReleaseAsync(NpgsqlConnection connection, string sessionId)
    {
        await using var release = new NpgsqlCommand("SELECT pg_advisory_unlock(@space, hashtext(@session))", connection);
        release.Parameters.AddWithValue("space", KeySpace);
        release.Parameters.AddWithValue("session", sessionId);
        await release.ExecuteScalarAsync(CancellationToken.None);
    }
}
