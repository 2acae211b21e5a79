using System.Globalization;
using System.Text.RegularExpressions;

namespace Doctor.Workflows.Notifications.Alarms;

/// <summary>
/// The date-time forms our payloads carry: ISO 8601 and Fenix's <c>YYYY-MM-DD HH:MM:SS</c> (CONTRACTS.md conventions).
/// A time without an offset is UTC, as in Fenix and Aodh.
/// </summary>
public static partial class EventTimes
{
    public static bool TryParse(string text, out DateTimeOffset time)
    {
        time = default;
        return Shape().IsMatch(text)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time);
    }

    /// <summary>How ceilometer writes an event's <c>generated</c> time: ISO 8601, UTC, microseconds, no offset.</summary>
    public static string Ceilometer(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff", CultureInfo.InvariantCulture);

    // Strict on purpose: a free-form parse would take "1/2/3" or "10:00" for dates and turn ordinary strings into datetime traits.
    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}(:?\d{2})?)?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();
}
