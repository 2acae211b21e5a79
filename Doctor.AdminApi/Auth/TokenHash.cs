using System.Security.Cryptography;
using System.Text;

namespace Doctor.AdminApi.Auth;

/// <summary>Tokens are 256 random bits; a SHA-256 of one is what is stored and compared, never the token itself.</summary>
public static class TokenHash
{
    public static byte[] Of(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    /// <summary>A new token: 32 random bytes, URL-safe base64 (43 characters), prefixed so it is recognisable in a leak scan.</summary>
    public static string NewToken() =>
        "dr_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static bool Equal(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) => CryptographicOperations.FixedTimeEquals(a, b);
}
