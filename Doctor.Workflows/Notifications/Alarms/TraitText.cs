using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Doctor.Workflows.Notifications.Alarms;

/// <summary>
/// The text of a payload field as a string trait: strings as they are, numbers as written, booleans as <c>True</c>/<c>False</c>
/// (what ceilometer's string conversion of a Python bool yields), lists and objects as compact JSON text.
/// </summary>
public static class TraitText
{
    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, WriteIndented = false };

    public static string Of(JsonNode node) => node.GetValueKind() switch
    {
        JsonValueKind.String => node.GetValue<string>(),
        JsonValueKind.True => "True",
        JsonValueKind.False => "False",
        _ => node.ToJsonString(Compact),
    };
}
