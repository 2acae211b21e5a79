using Npgsql;
using NpgsqlTypes;

namespace Doctor.AdminApi.Auth;

/// <summary>
/// Project tokens in <c>doctor.access_tokens</c>. Every request looks its token up here (one indexed read), so a
/// revocation holds at once on every node sharing the database; no cache to invalidate.
/// </summary>
public sealed class AccessTokenStore(NpgsqlDataSource dataSource, TimeProvider clock)
{
    private const string Columns = "id, role, project_id, name, created_by, created_at, revoked_at";

    /// <summary>Stores a new token and returns it with its secret, which is never available again.</summary>
    public async Task<(AccessToken Token, string Secret)> CreateAsync(string role, string? projectId, string name, string createdBy, CancellationToken ct)
    {
        var secret = TokenHash.NewToken();
        var now = clock.GetUtcNow();
        var token = new AccessToken(Guid.NewGuid(), role, projectId, name, createdBy, now.AddTicks(-(now.UtcTicks % 10)), null);
        await using var command = dataSource.CreateCommand(
            $"INSERT INTO doctor.access_tokens (token_hash, {Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, NULL)");
        command.Parameters.Add(new NpgsqlParameter { Value = TokenHash.Of(secret), NpgsqlDbType = NpgsqlDbType.Bytea });
        command.Parameters.Add(new NpgsqlParameter { Value = token.Id });
        command.Parameters.Add(new NpgsqlParameter { Value = token.Role, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)token.ProjectId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = token.Name, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = token.CreatedBy, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = token.CreatedAt });
        await command.ExecuteNonQueryAsync(ct);
        return (token, secret);
    }

    /// <summary>The live (not revoked) token whose secret is <paramref name="secret"/>; the lookup is by hash, so timing tells nothing about stored secrets.</summary>
    public async Task<AccessToken?> FindActiveAsync(string secret, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM doctor.access_tokens WHERE token_hash = $1 AND revoked_at IS NULL");
        command.Parameters.Add(new NpgsqlParameter { Value = TokenHash.Of(secret), NpgsqlDbType = NpgsqlDbType.Bytea });
        var found = await ReadAsync(command, ct);
        return found.Count == 0 ? null : found[0];
    }

    /// <summary>Every token, revoked ones too, oldest first.</summary>
    public async Task<IReadOnlyList<AccessToken>> ListAsync(CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM doctor.access_tokens ORDER BY created_at, id");
        return await ReadAsync(command, ct);
    }

    /// <summary>Revokes the token; false when there is no such live token.</summary>
    public async Task<bool> RevokeAsync(Guid id, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("UPDATE doctor.access_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = clock.GetUtcNow() });
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    private static async Task<List<AccessToken>> ReadAsync(NpgsqlCommand command, CancellationToken ct)
    {
        var tokens = new List<AccessToken>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            tokens.Add(new AccessToken(
                reader.GetGuid(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetString(3),
                reader.GetString(4), reader.GetFieldValue<DateTimeOffset>(5), reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6)));
        }
        return tokens;
    }
}
