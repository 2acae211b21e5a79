using System.Security.Cryptography;
using System.Text;

namespace Doctor.Workflows.Notifications.Delivery;

/// <summary>
/// The id of a delivery, derived from what it is — (notification message id, subscriber, endpoint) — so that every path
/// that computes it (the feed, a replay after a crash, the fast lane) gets the same one. It is also the
/// <c>X-Doctor-Event-Id</c> a receiver deduplicates on.
/// </summary>
public static class DeliveryIds
{
    public static Guid For(string messageId, string subscriber, Uri endpoint)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{messageId}\n{subscriber}\n{endpoint.AbsoluteUri}"), hash);
        // RFC 9562 version 8 (custom) with the RFC variant, so it reads as a well-formed UUID.
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true);
    }
}
