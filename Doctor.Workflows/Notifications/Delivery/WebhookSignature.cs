using System.Security.Cryptography;

namespace Doctor.Workflows.Notifications.Delivery;

/// <summary>
/// <c>X-Doctor-Signature: sha256=&lt;hex&gt;</c>: HMAC-SHA256 of the exact request body, keyed with the UTF-8 bytes of the
/// subscriber's secret (the string returned once at creation). A receiver recomputes it and compares in constant time.
/// </summary>
public static class WebhookSignature
{
    public const string Header = "X-Doctor-Signature";
    public const string Prefix = "sha256=";

    public static string Sign(string secret, ReadOnlySpan<byte> body) =>
        Prefix + Convert.ToHexStringLower(HMACSHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret), body));

    public static bool Verify(string secret, ReadOnlySpan<byte> body, string? signature) =>
        signature is not null
        && CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(Sign(secret, body)), System.Text.Encoding.ASCII.GetBytes(signature));
}
