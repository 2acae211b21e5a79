using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Doctor.Workflows.Constraints;

/// <summary>Instance and instance-group constraints in PostgreSQL (<c>doctor.instance_constraints</c>, <c>doctor.instance_groups</c>).</summary>
public sealed class ConstraintStore(NpgsqlDataSource dataSource)
{
    public Task PutInstanceAsync(InstanceConstraint c, CancellationToken ct = default) =>
        PutAsync("instance_constraints", "instance_id", c.InstanceId, c.ProjectId, JsonSerializer.Serialize(c), ct);

    public Task PutGroupAsync(InstanceGroupConstraint g, CancellationToken ct = default) =>
        PutAsync("instance_groups", "group_id", g.GroupId, g.ProjectId, JsonSerializer.Serialize(g), ct);

    public async Task<InstanceConstraint?> GetInstanceAsync(string id, CancellationToken ct = default) =>
        await GetAsync("instance_constraints", "instance_id", id, ct) is { } json ? JsonSerializer.Deserialize<InstanceConstraint>(json) : null;

    public async Task<InstanceGroupConstraint?> GetGroupAsync(string id, CancellationToken ct = default) =>
        await GetAsync("instance_groups", "group_id", id, ct) is { } json ? JsonSerializer.Deserialize<InstanceGroupConstraint>(json) : null;

    public Task<bool> DeleteInstanceAsync(string id, CancellationToken ct = default) => DeleteAsync("instance_constraints", "instance_id", id, ct);

    public Task<bool> DeleteGroupAsync(string id, CancellationToken ct = default) => DeleteAsync("instance_groups", "group_id", id, ct);

    /// <summary>Instance id → its anti-affinity group id, for every instance in such a group.</summary>
    public async Task<IReadOnlyDictionary<string, string>> AntiAffinityGroupsAsync(CancellationToken ct = default)
    {
        await using var cmd = dataSource.CreateCommand("""
            SELECT i.instance_id, g.group_id
            FROM doctor.instance_constraints i
            JOIN doctor.instance_groups g ON g.group_id = i.body->>'group_id'
            WHERE (g.body->>'anti_affinity_group')::boolean
            """);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var groups = new Dictionary<string, string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(ct))
            groups[reader.GetString(0)] = reader.GetString(1);
        return groups;
    }

    private async Task PutAsync(string table, string key, string id, string projectId, string json, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"""
            INSERT INTO doctor.{table} ({key}, project_id, body) VALUES ($1, $2, $3)
            ON CONFLICT ({key}) DO UPDATE SET project_id = EXCLUDED.project_id, body = EXCLUDED.body, updated_at = now()
            """);
        cmd.Parameters.AddWithValue(id);
        cmd.Parameters.AddWithValue(projectId);
        cmd.Parameters.AddWithValue(NpgsqlDbType.Jsonb, json);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private async Task<string?> GetAsync(string table, string key, string id, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"SELECT body::text FROM doctor.{table} WHERE {key} = $1");
        cmd.Parameters.AddWithValue(id);
        return await cmd.ExecuteScalarAsync(ct) as string;
    }

    private async Task<bool> DeleteAsync(string table, string key, string id, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"DELETE FROM doctor.{table} WHERE {key} = $1");
        cmd.Parameters.AddWithValue(id);
        return await cmd.ExecuteNonQueryAsync(ct) > 0;
    }
}
