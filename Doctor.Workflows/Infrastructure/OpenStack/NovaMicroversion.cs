using System.Diagnostics.CodeAnalysis;

namespace Doctor.Workflows.Infrastructure.OpenStack;

/// <summary>A compute API microversion, <c>major.minor</c>, ordered as Nova orders them (2.9 &lt; 2.53).</summary>
public readonly record struct NovaMicroversion(int Major, int Minor) : IComparable<NovaMicroversion>
{
    public static bool TryParse(string? text, [NotNullWhen(true)] out NovaMicroversion version)
    {
        version = default;
        var parts = text?.Split('.');
        if (parts is not { Length: 2 } || !int.TryParse(parts[0], out var major) || !int.TryParse(parts[1], out var minor) || major < 0 || minor < 0)
            return false;
        version = new NovaMicroversion(major, minor);
        return true;
    }

    public static NovaMicroversion Parse(string text) =>
        TryParse(text, out var v) ? v : throw new FormatException($"'{text}' is not a microversion (major.minor)");

    public int CompareTo(NovaMicroversion other) => Major != other.Major ? Major.CompareTo(other.Major) : Minor.CompareTo(other.Minor);

    public static bool operator <(NovaMicroversion a, NovaMicroversion b) => a.CompareTo(b) < 0;
    public static bool operator >(NovaMicroversion a, NovaMicroversion b) => a.CompareTo(b) > 0;
    public static bool operator <=(NovaMicroversion a, NovaMicroversion b) => a.CompareTo(b) <= 0;
    public static bool operator >=(NovaMicroversion a, NovaMicroversion b) => a.CompareTo(b) >= 0;

    public override string ToString() => $"{Major}.{Minor}";
}
