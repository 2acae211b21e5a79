using System.Text.Json;
using System.Text.Json.Nodes;

namespace Doctor.AdminApi.Errors;

/// <summary>How request bodies read by hand are parsed and checked, the same for every endpoint.</summary>
public static class StrictJson
{
    /// <summary>A key given twice is refused rather than letting the last one win silently.</summary>
    public static readonly JsonDocumentOptions Document = new() { AllowDuplicateProperties = false };

    /// <summary>
    /// The first string in the tree that is not text we can keep — an unpaired surrogate (not Unicode) or NUL
    /// (PostgreSQL text refuses it) — named by its path; null when every string is fine.
    /// </summary>
    public static string? FirstUnstorableText(JsonNode? node, string path) =>
        // Paths are built only when there is something to name: a bulk report of 500 events is checked without a string allocated.
        AllStorable(node) ? null : FirstUnstorableTextNamed(node, path);

    private static bool AllStorable(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (_, child) in o)
                    if (!AllStorable(child))
                        return false;
                return true;
            case JsonArray a:
                foreach (var child in a)
                    if (!AllStorable(child))
                        return false;
                return true;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                try
                {
                    return !v.GetValue<string>().Contains('\0');
                }
                catch (InvalidOperationException)
                {
                    return false;
                }
            default:
                return true;
        }
    }

    private static string? FirstUnstorableTextNamed(JsonNode? node, string path)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, child) in o)
                    if (FirstUnstorableTextNamed(child, $"{path}.{key}") is { } problem)
                        return problem;
                return null;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                    if (FirstUnstorableTextNamed(a[i], $"{path}[{i}]") is { } problem)
                        return problem;
                return null;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                string text;
                try
                {
                    text = v.GetValue<string>();
                }
                catch (InvalidOperationException)
                {
                    return $"{path}: not valid Unicode text (an unpaired surrogate)";
                }
                return text.Contains('\0') ? $"{path}: must not contain NUL (\\u0000)" : null;
            default:
                return null;
        }
    }
}
