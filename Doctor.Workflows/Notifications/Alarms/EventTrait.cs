using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Doctor.Workflows.Notifications.Alarms;

/// <summary>One trait of an event, written as Aodh and ceilometer write it: <c>["name", dtype, value]</c>.</summary>
[JsonConverter(typeof(EventTraitConverter))]
public sealed record EventTrait(string Name, TraitDataType Type, JsonNode Value)
{
    /// <summary>
    /// The traits of a notification: one per top-level payload field, in payload order (null fields have no trait, as in
    /// ceilometer). Integers are dtype 2, other numbers 3, strings in ISO 8601 or Fenix time form 4 (value unchanged),
    /// other strings 1; booleans are strings <c>True</c>/<c>False</c> and lists and objects JSON text, both dtype 1,
    /// because ceilometer has no trait type for them.
    /// </summary>
    public static IReadOnlyList<EventTrait> From(JsonObject? payload)
    {
        if (payload is null)
            return [];
        var traits = new List<EventTrait>(payload.Count);
        foreach (var (name, node) in payload)
        {
            if (node is null)
                continue;
            traits.Add(node.GetValueKind() switch
            {
                JsonValueKind.Number when TraitValue.TryFromNode(node, QueryValueType.Integer, out _) && !HasFraction(node) =>
                    new EventTrait(name, TraitDataType.Integer, node.DeepClone()),
                JsonValueKind.Number => new EventTrait(name, TraitDataType.Float, node.DeepClone()),
                JsonValueKind.String when EventTimes.TryParse(node.GetValue<string>(), out _) =>
                    new EventTrait(name, TraitDataType.Datetime, node.DeepClone()),
                JsonValueKind.String => new EventTrait(name, TraitDataType.String, node.DeepClone()),
                _ => new EventTrait(name, TraitDataType.String, JsonValue.Create(TraitText.Of(node))),
            });
        }
        return traits;
    }

    // 3.0 is written as a float by whoever produced it: keep it a float trait.
    private static bool HasFraction(JsonNode number) => number.ToJsonString().AsSpan().IndexOfAny('.', 'e', 'E') >= 0;
}
