using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Doctor.Workflows.Notifications.Delivery;

/// <summary>
/// Signing secrets of alarms and subscriptions. A secret is generated at creation, returned to the client once, and
/// stored sealed with AES-256-GCM (nonce ‖ tag ‖ ciphertext, the subscriber name as associated data so a sealed secret
/// cannot be moved to another subscriber). The sealing key is <c>Doctor:Notifier:SecretKey</c> (base64, 32 bytes) when
/// configured; otherwise one is generated on first use and kept in <c>doctor.notifier_keys</c> — convenient, but then
/// whoever reads the database reads the secrets too: configure the key in production.
/// Opened secrets are cached in memory, and so is the absence of one: signing happens on every delivery. Caching "no
/// secret" is safe because a subscriber's secret is stored before the subscriber itself (alarm or subscription) exists,
/// on whichever node: one that can be routed to already has its secret, and one without never gets one later.
/// </summary>
public sealed class WebhookSecrets(NpgsqlDataSource dataSource, IOptions<NotifierOptions> options)
{
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly ConcurrentDictionary<string, string?> _opened = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _keyGate = new(1, 1);
    private byte[]? _key;

    /// <summary>A fresh secret: 32 random bytes as 64 lowercase hex characters.</summary>
    public static string Generate() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    /// <summary>Generates, seals and stores the subscriber's secret; returns it in clear, for the creation response only.</summary>
    public async Task<string> CreateAsync(string subscriber, CancellationToken ct = default)
    {
        var secret = Generate();
        var sealedSecret = Seal(await KeyAsync(ct), subscriber, secret);
        await using var command = dataSource.CreateCommand(
            "INSERT INTO doctor.webhook_secrets (subscriber, sealed) VALUES ($1, $2) ON CONFLICT (subscriber) DO UPDATE SET sealed = EXCLUDED.sealed");
        command.Parameters.Add(new NpgsqlParameter { Value = subscriber, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = sealedSecret, NpgsqlDbType = NpgsqlDbType.Bytea });
        await command.ExecuteNonQueryAsync(ct);
        _opened[subscriber] = secret;
        return secret;
    }

    /// <summary>The subscriber's secret, or null when it has none (an alarm created before secrets existed).</summary>
    public async ValueTask<string?> FindAsync(string subscriber, CancellationToken ct = default)
    {
        if (_opened.TryGetValue(subscriber, out var secret))
            return secret;
        await using var command = dataSource.CreateCommand("SELECT sealed FROM doctor.webhook_secrets WHERE subscriber = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = subscriber, NpgsqlDbType = NpgsqlDbType.Text });
        if (await command.ExecuteScalarAsync(ct) is not byte[] sealedSecret)
        {
            _opened[subscriber] = null;
            return null;
        }
        secret = Open(await KeyAsync(ct), subscriber, sealedSecret);
        _opened[subscriber] = secret;
        return secret;
    }

    /// <summary>Knows <paramref name="secret"/> as the subscriber's without storing it: the start-up warm-up's own instance signs its dry deliveries so.</summary>
    internal void Remember(string subscriber, string secret) => _opened[subscriber] = secret;

    public async Task DeleteAsync(string subscriber, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM doctor.webhook_secrets WHERE subscriber = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = subscriber, NpgsqlDbType = NpgsqlDbType.Text });
        await command.ExecuteNonQueryAsync(ct);
        _opened.TryRemove(subscriber, out _);
    }

    internal static byte[] Seal(byte[] key, string subscriber, string secret)
    {
        var plain = Encoding.UTF8.GetBytes(secret);
        var output = new byte[NonceSize + TagSize + plain.Length];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, plain, output.AsSpan(NonceSize + TagSize), output.AsSpan(NonceSize, TagSize), Encoding.UTF8.GetBytes(subscriber));
        return output;
    }

    internal static string Open(byte[] key, string subscriber, byte[] sealedSecret)
    {
        var plain = new byte[sealedSecret.Length - NonceSize - TagSize];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(sealedSecret.AsSpan(0, NonceSize), sealedSecret.AsSpan(NonceSize + TagSize), sealedSecret.AsSpan(NonceSize, TagSize), plain,
            Encoding.UTF8.GetBytes(subscriber));
        return Encoding.UTF8.GetString(plain);
    }

    private async ValueTask<byte[]> KeyAsync(CancellationToken ct)
    {
        if (_key is { } known)
            return known;
        await _keyGate.WaitAsync(ct);
        try
        {
            if (_key is not null)
                return _key;
            if (options.Value.SecretKeyBytes() is { } configured)
                return _key = configured;
            // Two nodes starting together: both insert, one wins, both read the winner.
            await using var command = dataSource.CreateCommand("""
                WITH inserted AS (INSERT INTO doctor.notifier_keys (id, key) VALUES (1, $1) ON CONFLICT (id) DO NOTHING RETURNING key)
                SELECT key FROM inserted UNION ALL SELECT key FROM doctor.notifier_keys WHERE id = 1 LIMIT 1
                """);
            command.Parameters.Add(new NpgsqlParameter { Value = RandomNumberGenerator.GetBytes(32), NpgsqlDbType = NpgsqlDbType.Bytea });
            return _key = (byte[])(await command.ExecuteScalarAsync(ct))!;
        }
        finally
        {
            _keyGate.Release();
        }
    }
}
