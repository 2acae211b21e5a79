using System.Security.Cryptography;
using System.Text;

namespace Doctor.Workflows;

/// <summary>
/// A UUID derived from a text (SHA-256, RFC 9562 version 8 with the RFC variant): whoever derives it from the same text
/// gets the same id — delivery ids, the message ids of an incident's notifications.
/// </summary>
public static class DerivedUuid
{
    public static Guid Of(string text)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true);
    }
}
