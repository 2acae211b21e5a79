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
    public static string? FirstUnstorableText(JsonNode? node, string path)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, child) in o)
                    if (FirstUnstorableText(child, $"{path}.{key}") is { } problem)
                        return problem;
                return null;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                    if (FirstUnstorableText(a[i], $"{path}[{i}]") is { } problem)
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
