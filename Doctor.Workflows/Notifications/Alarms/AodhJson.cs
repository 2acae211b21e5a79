using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Doctor.Workflows.Notifications.Alarms;

/// <summary>
/// JSON text as Aodh writes it into an alarm's history (<c>detail</c>): Python's <c>json.dumps</c> with its defaults —
/// <c>", "</c> and <c>": "</c> separators, every non-ASCII character escaped — so a client that compares details with
/// what Aodh would have stored (its own tests do) finds the same text.
/// </summary>
public static class AodhJson
{
    public static string Dumps(JsonNode? node)
    {
        var text = new StringBuilder();
        Write(text, node);
        return text.ToString();
    }

    private static void Write(StringBuilder text, JsonNode? node)
    {
        switch (node)
        {
            case null:
                text.Append("null");
                break;
            case JsonObject obj:
                text.Append('{');
                var first = true;
                foreach (var (name, value) in obj)
                {
                    if (!first)
                        text.Append(", ");
                    first = false;
                    Quote(text, name);
                    text.Append(": ");
                    Write(text, value);
                }
                text.Append('}');
                break;
            case JsonArray array:
                text.Append('[');
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0)
                        text.Append(", ");
                    Write(text, array[i]);
                }
                text.Append(']');
                break;
            default:
                switch (node.GetValueKind())
                {
                    case JsonValueKind.String: Quote(text, node.GetValue<string>()); break;
                    case JsonValueKind.True: text.Append("true"); break;
                    case JsonValueKind.False: text.Append("false"); break;
                    case JsonValueKind.Null: text.Append("null"); break;
                    default: text.Append(node.ToJsonString()); break;
                }
                break;
        }
    }

    /// <summary>A string as <c>json.dumps</c> quotes it (<c>ensure_ascii=True</c>).</summary>
    public static void Quote(StringBuilder text, string value)
    {
        text.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                case '\b': text.Append("\\b"); break;
                case '\f': text.Append("\\f"); break;
                case < ' ' or > '~':
                    text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default: text.Append(c); break;
            }
        }
        text.Append('"');
    }
}
