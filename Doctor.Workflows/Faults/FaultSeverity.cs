namespace Doctor.Workflows.Faults;

/// <summary>Severity names and the numbers the northbound API filters on (<c>min_severity</c>): higher is worse.</summary>
public static class FaultSeverity
{
    public static readonly IReadOnlyDictionary<string, int> Numbers = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase)
    {
        ["indeterminate"] = 0,
        ["warning"] = 1,
        ["minor"] = 2,
        ["major"] = 3,
        ["critical"] = 4,
    };

    public static string Name(int severity) => Numbers.FirstOrDefault(p => p.Value == severity).Key ?? severity.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A severity given by name or number; null when it is neither.</summary>
    public static int? Parse(string? text) =>
        text is null ? null
        : Numbers.TryGetValue(text.Trim(), out var n) ? n
        : int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var i) && i is >= 0 and <= 4 ? i
        : null;
}
