using System.Globalization;

namespace Doctor.Workflows.Maintenance;

/// <summary>Fenix's time form <c>YYYY-MM-DD HH:MM:SS</c> (UTC), accepted beside ISO 8601 and used in Fenix payloads.</summary>
public static class FenixTime
{
    public const string Format = "yyyy-MM-dd HH:mm:ss";
    public const string FenixForm = "fenix";
    public const string IsoForm = "iso";

    public static string ToFenix(DateTimeOffset t) => t.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture);

    public static string ToIso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Parses either form; a time without zone is UTC. Returns the form used so answers can echo it.</summary>
    public static bool TryParse(string? text, out DateTimeOffset time, out string form)
    {
        form = FenixForm;
        if (DateTime.TryParseExact(text, Format, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var fenix))
        {
            time = new DateTimeOffset(fenix, TimeSpan.Zero);
            return true;
        }
        form = IsoForm;
        if (text is { Length: >= 10 } && char.IsAsciiDigit(text[0])
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out time))
            return true;
        time = default;
        return false;
    }

    public static string InForm(DateTimeOffset t, string form) => form == FenixForm ? ToFenix(t) : ToIso(t);
}
