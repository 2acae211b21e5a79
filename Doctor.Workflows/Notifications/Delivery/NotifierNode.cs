using Microsoft.Extensions.Logging;
using Npgsql;

namespace Doctor.Workflows.Notifications.Delivery;

/// <summary>
/// This process as a delivering node: an id from <c>doctor.notifier_nodes</c> (new for every process, never reused) and
/// a liveness lease PostgreSQL can judge — a session-level advisory lock on that id, held on a connection of its own.
/// The deliveries this node records are owned by it (<c>webhook_deliveries.owner_node</c>); when the process dies,
/// even by SIGKILL, PostgreSQL drops the connection and with it the lock, and a survivor that can take the lock knows
/// the owner is gone and adopts its pending deliveries (<see cref="DeliveryStore.AdoptAsync"/>).
/// <para>
/// The lock is in the two-key space "DOCN", apart from the store's and the session leases' locks. The lease
/// connection asks the server for TCP keepalives, so a node whose host vanished (no FIN) is judged dead within
/// about half a minute instead of the kernel's two hours.
/// </para>
/// </summary>
public sealed class NotifierNode(NpgsqlDataSource dataSource, ILogger<NotifierNode> logger) : IAsyncDisposable
{
    /// <summary>The first key of every node lease ("DOCN").</summary>
    public const int KeySpace = 0x444F_434E;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private NpgsqlConnection? _lease;
    private volatile int _id;
    private bool _disposed;

    /// <summary>How the node calls itself in <c>notifier_nodes</c> and in logs.</summary>
    public string Name { get; } = $"{Environment.MachineName}/{Environment.ProcessId}";

    /// <summary>This node's id; registers the node and takes its lease on the first call.</summary>
    public async ValueTask<int> IdAsync(CancellationToken ct)
    {
        if (_id != 0)
            return _id;
        await EnsureLeaseAsync(ct);
        return _id;
    }

    /// <summary>
    /// Whether this node holds its lease now: checks the lease connection and, if it broke (database restart, network),
    /// opens another and takes the lock again. While the lease is lost a peer may adopt this node's deliveries; both
    /// may then send one (same event id), which at-least-once allows.
    /// </summary>
    public async Task<bool> EnsureLeaseAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_lease is { } held)
            {
                try
                {
                    await using var ping = new NpgsqlCommand("SELECT 1", held);
                    await ping.ExecuteScalarAsync(ct);
                    return true;
                }
                catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
                {
                    logger.LogWarning(e, "notifier node {NodeId} ({Name}) lost its lease connection; taking the lease again", _id, Name);
                    await held.DisposeAsync();
                    _lease = null;
                }
            }
            var connection = await dataSource.OpenConnectionAsync(ct);
            try
            {
                if (_id == 0)
                {
                    await using var register = new NpgsqlCommand("INSERT INTO doctor.notifier_nodes (name) VALUES ($1) RETURNING id", connection);
                    register.Parameters.Add(new NpgsqlParameter { Value = Name });
                    _id = (int)(await register.ExecuteScalarAsync(ct))!;
                }
                await KeepAliveAsync(connection, ct);
                await using var take = new NpgsqlCommand("SELECT pg_try_advisory_lock($1, $2)", connection);
                take.Parameters.Add(new NpgsqlParameter { Value = KeySpace });
                take.Parameters.Add(new NpgsqlParameter { Value = _id });
                if (!(bool)(await take.ExecuteScalarAsync(ct))!)
                {
                    // A peer judging this node holds the lock for the length of its adoption; try again next round.
                    await connection.DisposeAsync();
                    return false;
                }
                _lease = connection;
                logger.LogInformation("notifier node {NodeId} ({Name}) holds its delivery lease", _id, Name);
                return true;
            }
            catch
            {
                await connection.DisposeAsync();
                throw;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Closes the lease connection: the lock goes with it, and peers adopt what this node left pending.</summary>
    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync();
        try
        {
            _disposed = true;
            if (_lease is { } lease)
            {
                try
                {
                    // Explicitly: a pooled connection's own reset may run only when it is next used.
                    await using var release = new NpgsqlCommand("SELECT pg_advisory_unlock($1, $2)", lease);
                    release.Parameters.Add(new NpgsqlParameter { Value = KeySpace });
                    release.Parameters.Add(new NpgsqlParameter { Value = _id });
                    await release.ExecuteScalarAsync();
                }
                catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
                {
                    logger.LogDebug(e, "notifier node {NodeId}: lease connection already gone", _id);
                }
                await lease.DisposeAsync();
            }
            _lease = null;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task KeepAliveAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        try
        {
            // Ignored by the server on a Unix socket; over TCP they bound how long a vanished host keeps its lease.
            await using var keepalive = new NpgsqlCommand(
                "SET tcp_keepalives_idle = 10; SET tcp_keepalives_interval = 5; SET tcp_keepalives_count = 3", connection);
            await keepalive.ExecuteNonQueryAsync(ct);
        }
        catch (PostgresException e)
        {
            logger.LogDebug(e, "notifier node lease: server keepalives not set");
        }
    }
}
