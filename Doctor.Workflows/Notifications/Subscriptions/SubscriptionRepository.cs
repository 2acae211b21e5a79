using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace Doctor.Workflows.Notifications.Subscriptions;

/// <summary>Northbound subscriptions in PostgreSQL (<c>doctor.subscriptions</c>, migration 0006).</summary>
public sealed class SubscriptionRepository(NpgsqlDataSource dataSource, ILogger<SubscriptionRepository> logger)
{
    public async Task CreateAsync(NorthboundSubscription subscription, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand("INSERT INTO doctor.subscriptions (id, project_id, body, created_at) VALUES ($1, $2, $3, $4)");
        command.Parameters.Add(new NpgsqlParameter { Value = subscription.Id });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)subscription.ProjectId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        var document = new SubscriptionDocument(subscription.Filter, [.. subscription.Endpoints.Select(e => e.OriginalString)]);
        command.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(document), NpgsqlDbType = NpgsqlDbType.Jsonb });
        command.Parameters.Add(new NpgsqlParameter { Value = subscription.CreatedAt });
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>False when there was no such subscription.</summary>
    public async Task<bool> DeleteAsync(Guid id, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM doctor.subscriptions WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>Every subscription, oldest first.</summary>
    public async Task<IReadOnlyList<NorthboundSubscription>> ListAllAsync(CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand("SELECT id, project_id, body, created_at FROM doctor.subscriptions ORDER BY created_at, id");
        var subscriptions = new List<NorthboundSubscription>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var id = reader.GetGuid(0);
            var document = JsonSerializer.Deserialize<SubscriptionDocument>(reader.GetString(2));
            if (document?.Filter is null || document.Endpoints is null)
            {
                logger.LogError("subscription {SubscriptionId}: stored definition is unreadable; it is skipped", id);
                continue;
            }
            subscriptions.Add(new NorthboundSubscription(
                id,
                reader.IsDBNull(1) ? null : reader.GetString(1),
                document.Filter with
                {
                    VirtualResourceTypes = document.Filter.VirtualResourceTypes ?? [],
                    VirtualResourceIds = document.Filter.VirtualResourceIds ?? [],
                    FaultTypes = document.Filter.FaultTypes ?? [],
                },
                [.. document.Endpoints.Select(e => new Uri(e, UriKind.Absolute))],
                reader.GetFieldValue<DateTimeOffset>(3)));
        }
        return subscriptions;
    }

    private sealed record SubscriptionDocument(
        [property: JsonPropertyName("filter")] SubscriptionFilter Filter,
        [property: JsonPropertyName("endpoints")] IReadOnlyList<string> Endpoints);
}
