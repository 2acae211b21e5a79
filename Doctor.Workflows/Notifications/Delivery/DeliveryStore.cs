using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace Doctor.Workflows.Notifications.Delivery;

/// <summary>
/// The durable side of delivery (<c>doctor.webhook_deliveries</c>): deliveries are recorded before the feed checkpoint
/// moves, and settled (delivered / dead) as they end. Successful outcomes are written in batches by one background
/// writer — one UPDATE per batch instead of one per webhook — which is what lets fan-out run at thousands per second.
/// A crash loses at most the outcomes not yet written: those deliveries stay pending and are sent again (same
/// <c>X-Doctor-Event-Id</c>), which at-least-once allows.
/// <para>
/// A pending row is owned by the node that recorded, adopted or redrove it (<see cref="NotifierNode"/>); a node that
/// dies leaves its rows to the first survivor that adopts them (<see cref="AdoptAsync"/>).
/// </para>
/// </summary>
public sealed class DeliveryStore : IDeliveryLog, IAsyncDisposable
{
    private const string Columns = "id, message_id, subscriber, endpoint, seq, status, attempts, last_error, created_at, settled_at";
    /// <summary>Rows adopted per statement: a large backlog is taken in feed-ordered slices.</summary>
    private const int AdoptSlice = 5_000;
    private readonly NpgsqlDataSource _dataSource;
    private readonly NotifierNode _node;
    private readonly ILogger<DeliveryStore> _logger;
    private readonly Channel<Settled> _settled = Channel.CreateUnbounded<Settled>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;
    private readonly Channel<Recording> _recordings = Channel.CreateUnbounded<Recording>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _recorder;

    /// <summary>The start-up warm-up's connection (see the internal constructor): every statement runs on it, in its open transaction.</summary>
    private readonly NpgsqlConnection? _bound;

    public DeliveryStore(NpgsqlDataSource dataSource, NotifierNode node, ILogger<DeliveryStore> logger)
        : this(dataSource, node, logger, bound: null)
    {
    }

    /// <summary>
    /// A store whose statements run on <paramref name="bound"/>, inside the transaction open on it: the start-up warm-up
    /// writes its dry delivery rows for real and rolls that transaction back. One statement at a time, as a connection
    /// allows: the warm-up waits for each dry fault's deliveries to settle before the next.
    /// </summary>
    internal DeliveryStore(NpgsqlDataSource dataSource, NotifierNode node, ILogger<DeliveryStore> logger, NpgsqlConnection? bound)
    {
        _bound = bound;
        _dataSource = dataSource;
        _node = node;
        _logger = logger;
        _writer = Task.Run(WriteSettledAsync);
        _recorder = Task.Run(WriteRecordingsAsync);
    }

    /// <summary>
    /// Records the deliveries as pending, owned by this node; returns the ids of those not recorded before (by any path).
    /// Recordings queue behind one writer, which inserts whatever is waiting in one statement: a 100-host failure hands
    /// over a hundred recordings at once, and a hundred concurrent inserts into one table's indexes cost the database
    /// many times the CPU of a few large ones — CPU the webhooks of the same failure wait for. Cancelling stops the
    /// wait, not the insert.
    /// </summary>
    public Task<IReadOnlySet<Guid>> RecordAsync(IReadOnlyList<WebhookDelivery> deliveries, CancellationToken ct = default)
    {
        if (deliveries.Count == 0)
            return Task.FromResult<IReadOnlySet<Guid>>(new HashSet<Guid>());
        var recording = new Recording(deliveries, new TaskCompletionSource<IReadOnlySet<Guid>>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_recordings.Writer.TryWrite(recording))
            throw new ObjectDisposedException(nameof(DeliveryStore));
        return recording.Inserted.Task.WaitAsync(ct);
    }

    /// <summary>
    /// Makes this node the owner of every pending delivery whose owner is dead (or that has none: rows older than
    /// migration 0009), and returns them in feed order with the owner each had. An owner is dead when its lease
    /// (<see cref="NotifierNode"/>) can be taken: the adopting statement takes it for the length of its transaction, so
    /// two survivors never judge — and adopt from — the same owner at once, and the row locks (<c>FOR UPDATE SKIP
    /// LOCKED</c>, re-checked on the latest row version) keep two of them from taking the same ownerless row. A live
    /// owner's rows are never taken: its lease cannot be.
    /// </summary>
    public async Task<IReadOnlyList<(WebhookDelivery Delivery, int? PreviousOwner)>> AdoptAsync(CancellationToken ct = default)
    {
        var me = await _node.IdAsync(ct);
        var adopted = new List<(WebhookDelivery Delivery, int? PreviousOwner)>();
        while (true)
        {
            await using var command = Command("""
                WITH dead AS (
                    SELECT o.owner_node FROM (
                        SELECT DISTINCT owner_node FROM doctor.webhook_deliveries
                        WHERE status = 'pending' AND owner_node IS NOT NULL AND owner_node <> $1) AS o
                    WHERE pg_try_advisory_xact_lock($2, o.owner_node)),
                taken AS (
                    SELECT id, owner_node FROM doctor.webhook_deliveries
                    WHERE status = 'pending' AND (owner_node IS NULL OR owner_node IN (SELECT owner_node FROM dead))
                    ORDER BY seq, id
                    LIMIT $3
                    FOR UPDATE SKIP LOCKED)
                UPDATE doctor.webhook_deliveries AS d SET owner_node = $1
                FROM taken
                WHERE d.id = taken.id
                RETURNING d.id, d.message_id, d.subscriber, d.endpoint, d.seq, d.body, d.headers, taken.owner_node
                """);
            command.Parameters.Add(new NpgsqlParameter { Value = me });
            command.Parameters.Add(new NpgsqlParameter { Value = NotifierNode.KeySpace });
            command.Parameters.Add(new NpgsqlParameter { Value = AdoptSlice });
            var slice = new List<(WebhookDelivery Delivery, int? PreviousOwner)>();
            await using (var reader = await command.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                    slice.Add((ReadDelivery(reader), reader.IsDBNull(7) ? null : reader.GetInt32(7)));
            }
            adopted.AddRange(slice.OrderBy(a => a.Delivery.Seq).ThenBy(a => a.Delivery.Id));
            if (slice.Count < AdoptSlice)
                return adopted;
        }
    }

    /// <summary>Puts a dead delivery back in the queue (same id, so the same <c>X-Doctor-Event-Id</c>); null when it is not a dead letter.</summary>
    public async Task<WebhookDelivery?> RedriveAsync(Guid id, CancellationToken ct = default)
    {
        var redriven = await ReadDeliveriesAsync("""
            UPDATE doctor.webhook_deliveries SET status = 'pending', attempts = 0, last_error = NULL, settled_at = NULL, owner_node = $2
            WHERE id = $1 AND status = 'dead'
            RETURNING id, message_id, subscriber, endpoint, seq, body, headers
            """, id, await _node.IdAsync(ct), ct);
        return redriven.Count == 0 ? null : redriven[0];
    }

    public async Task<StoredDelivery?> GetAsync(Guid id, CancellationToken ct = default)
    {
        await using var command = Command($"SELECT {Columns} FROM doctor.webhook_deliveries WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        var rows = await ReadStoredAsync(command, ct);
        return rows.Count == 0 ? null : rows[0];
    }

    /// <summary>One subscriber's deliveries, oldest first, at most <paramref name="limit"/>.</summary>
    public async Task<IReadOnlyList<StoredDelivery>> ListBySubscriberAsync(string subscriber, int limit, CancellationToken ct = default)
    {
        await using var command = Command($"SELECT {Columns} FROM doctor.webhook_deliveries WHERE subscriber = $1 ORDER BY seq, id LIMIT $2");
        command.Parameters.Add(new NpgsqlParameter { Value = subscriber, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        return await ReadStoredAsync(command, ct);
    }

    /// <summary>Dead letters, oldest first, at most <paramref name="limit"/>.</summary>
    public async Task<IReadOnlyList<StoredDelivery>> ListDeadAsync(int limit, CancellationToken ct = default)
    {
        await using var command = Command($"SELECT {Columns} FROM doctor.webhook_deliveries WHERE status = 'dead' ORDER BY settled_at, id LIMIT $1");
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        return await ReadStoredAsync(command, ct);
    }

    /// <summary>Counts by status, for <c>/metrics</c>.</summary>
    public async Task<IReadOnlyDictionary<string, long>> CountByStatusAsync(CancellationToken ct = default)
    {
        await using var command = Command("SELECT status, count(*) FROM doctor.webhook_deliveries GROUP BY status");
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            counts[reader.GetString(0)] = reader.GetInt64(1);
        return counts;
    }

    /// <summary>Completes once the outcome is written (it is written in a batch with others).</summary>
    public ValueTask DeliveredAsync(WebhookDelivery delivery, int attempts, CancellationToken ct)
    {
        if (delivery.Id is not { } id)
            return ValueTask.CompletedTask;
        var settled = new Settled(id, attempts, delivery.Recorded, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_settled.Writer.TryWrite(settled))
            return ValueTask.CompletedTask; // stopping: the row stays pending and is sent again after the restart
        return new ValueTask(settled.Written.Task);
    }

    public async ValueTask DeadAsync(DeadLetter letter, CancellationToken ct)
    {
        if (letter.Delivery.Id is not { } id)
            return;
        await letter.Delivery.Recorded.WaitAsync(ct);
        await using var command = Command(
            "UPDATE doctor.webhook_deliveries SET status = 'dead', attempts = $2, last_error = $3, settled_at = now() WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = letter.Attempts });
        command.Parameters.Add(new NpgsqlParameter { Value = letter.LastError, NpgsqlDbType = NpgsqlDbType.Text });
        await command.ExecuteNonQueryAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        _recordings.Writer.TryComplete();
        await _recorder;
        _settled.Writer.TryComplete();
        await _writer;
    }

    /// <summary>Rows per insert statement of the recording writer: large enough to take a 100-host failure in a few.</summary>
    private const int RecordSlice = 2_000;

    private async Task WriteRecordingsAsync()
    {
        var batch = new List<Recording>();
        Recording? carried = null;
        while (carried is not null || await _recordings.Reader.WaitToReadAsync())
        {
            batch.Clear();
            var rows = 0;
            if (carried is not null)
            {
                batch.Add(carried);
                rows = carried.Deliveries.Count;
                carried = null;
            }
            while (rows < RecordSlice && _recordings.Reader.TryRead(out var next))
            {
                if (batch.Count > 0 && rows + next.Deliveries.Count > RecordSlice)
                {
                    carried = next;
                    break;
                }
                batch.Add(next);
                rows += next.Deliveries.Count;
            }
            try
            {
                var inserted = await InsertAsync([.. batch.SelectMany(r => r.Deliveries)]);
                // An id two recordings share (the fast lane and the feed reaching one notification) is the first one's.
                foreach (var recording in batch)
                {
                    var mine = new HashSet<Guid>();
                    foreach (var delivery in recording.Deliveries)
                    {
                        if (inserted.Remove(delivery.Id!.Value))
                            mine.Add(delivery.Id.Value);
                    }
                    recording.Inserted.TrySetResult(mine);
                }
            }
            catch (Exception e) when (batch.Count > 1)
            {
                // One recording's bad row must not fail the others it shared a statement with: each on its own.
                _logger.LogWarning(e, "notifier: recording {Count} batched deliveries failed; recording them one caller at a time", rows);
                foreach (var recording in batch)
                {
                    try
                    {
                        recording.Inserted.TrySetResult(await InsertAsync(recording.Deliveries));
                    }
                    catch (Exception single)
                    {
                        recording.Inserted.TrySetException(single);
                    }
                }
            }
            catch (Exception e)
            {
                batch[0].Inserted.TrySetException(e);
            }
        }
    }

    private async Task<HashSet<Guid>> InsertAsync(IReadOnlyList<WebhookDelivery> deliveries)
    {
        var owner = await _node.IdAsync(CancellationToken.None);
        await using var command = Command("""
            INSERT INTO doctor.webhook_deliveries (id, message_id, subscriber, endpoint, seq, body, headers, status, owner_node)
            SELECT d.id, d.message_id, d.subscriber, d.endpoint, d.seq, d.body, d.headers, 'pending', $8
            FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::bytea[], $7::jsonb[])
                AS d(id, message_id, subscriber, endpoint, seq, body, headers)
            ON CONFLICT DO NOTHING
            RETURNING id
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = deliveries.Select(d => d.Id!.Value).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
        command.Parameters.Add(new NpgsqlParameter { Value = deliveries.Select(d => d.MessageId ?? "").ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = deliveries.Select(d => d.Subscriber).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = deliveries.Select(d => d.Endpoint.AbsoluteUri).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = deliveries.Select(d => d.Seq).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        command.Parameters.Add(new NpgsqlParameter { Value = deliveries.Select(d => d.Body).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
        command.Parameters.Add(new NpgsqlParameter
        {
            Value = deliveries.Select(d => JsonSerializer.Serialize(d.Headers ?? new Dictionary<string, string>())).ToArray(),
            NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb,
        });
        command.Parameters.Add(new NpgsqlParameter { Value = owner });
        var inserted = new HashSet<Guid>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            inserted.Add(reader.GetGuid(0));
        return inserted;
    }

    private async Task WriteSettledAsync()
    {
        var batch = new List<Settled>();
        while (await _settled.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < 5_000 && _settled.Reader.TryRead(out var next))
                batch.Add(next);
            try
            {
                // The fast lane sends before its row exists: the outcome must land after the row.
                await Task.WhenAll(batch.Select(s => s.Recorded));
                await using var command = Command("""
                    UPDATE doctor.webhook_deliveries AS d SET status = 'delivered', attempts = s.attempts, last_error = NULL, settled_at = now()
                    FROM unnest($1::uuid[], $2::integer[]) AS s(id, attempts)
                    WHERE d.id = s.id
                    """);
                command.Parameters.Add(new NpgsqlParameter { Value = batch.Select(s => s.Id).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
                command.Parameters.Add(new NpgsqlParameter { Value = batch.Select(s => s.Attempts).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
                await command.ExecuteNonQueryAsync();
                foreach (var settled in batch)
                    settled.Written.TrySetResult();
            }
            catch (Exception e)
            {
                // Left pending: sent again after a restart. Never lost, at worst duplicated (same event id).
                _logger.LogError(e, "notifier: could not store the outcome of {Count} delivered webhook(s); they stay pending", batch.Count);
                foreach (var settled in batch)
                    settled.Written.TrySetException(e);
            }
        }
    }

    private async Task<IReadOnlyList<WebhookDelivery>> ReadDeliveriesAsync(string sql, Guid id, int owner, CancellationToken ct)
    {
        await using var command = Command(sql);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = owner });
        var deliveries = new List<WebhookDelivery>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            deliveries.Add(ReadDelivery(reader));
        return deliveries;
    }

    /// <summary>A delivery from the columns <c>id, message_id, subscriber, endpoint, seq, body, headers</c>, in that order.</summary>
    private static WebhookDelivery ReadDelivery(NpgsqlDataReader reader)
    {
        var rowId = reader.GetGuid(0);
        return new WebhookDelivery(
            new Uri(reader.GetString(3), UriKind.Absolute),
            rowId.ToString(),
            reader.GetFieldValue<byte[]>(5),
            reader.GetString(2),
            JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(6)))
        {
            Id = rowId,
            MessageId = reader.GetString(1),
            Seq = reader.GetInt64(4),
        };
    }

    private static async Task<IReadOnlyList<StoredDelivery>> ReadStoredAsync(NpgsqlCommand command, CancellationToken ct)
    {
        var rows = new List<StoredDelivery>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new StoredDelivery(
                reader.GetGuid(0),
                reader.GetString(1),
                reader.GetString(2),
                new Uri(reader.GetString(3), UriKind.Absolute),
                reader.GetInt64(4),
                reader.GetString(5),
                reader.GetInt32(6),
                reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.GetFieldValue<DateTimeOffset>(8),
                reader.IsDBNull(9) ? null : reader.GetFieldValue<DateTimeOffset>(9)));
        }
        return rows;
    }

    private NpgsqlCommand Command(string sql) => _bound is { } connection ? new NpgsqlCommand(sql, connection) : _dataSource.CreateCommand(sql);

    private sealed record Recording(IReadOnlyList<WebhookDelivery> Deliveries, TaskCompletionSource<IReadOnlySet<Guid>> Inserted);

    private sealed record Settled(Guid Id, int Attempts, Task Recorded, TaskCompletionSource Written);
}
