using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Doctor.Workflows.Notifications.Alarms;

/// <summary>Writes and reads <see cref="EventTrait"/> as a three-element array.</summary>
public sealed class EventTraitConverter : JsonConverter<EventTrait>
{
    public override EventTrait Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var array = JsonNode.Parse(ref reader) as JsonArray;
        if (array is not [JsonValue name, JsonValue type, var value] || value is null)
            throw new JsonException("a trait is [name, dtype, value]");
        return new EventTrait(name.GetValue<string>(), (TraitDataType)type.GetValue<int>(), value.DeepClone());
    }

    public override void Write(Utf8JsonWriter writer, EventTrait value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        writer.WriteStringValue(value.Name);
        writer.WriteNumberValue((int)value.Type);
        value.Value.WriteTo(writer, options);
        writer.WriteEndArray();
    }
}
