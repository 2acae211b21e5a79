using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Doctor.AdminApi.Errors;

/// <summary>
/// A free-form object in a request (<c>metadata</c>) with the same property twice, at any depth, is a 400: JsonObject
/// would otherwise throw an ArgumentException (a 500) when it is first read. Found by the FsCheck property.
/// </summary>
internal sealed class StrictJsonObjectConverter : JsonConverter<JsonObject>
{

    public override JsonObject? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
            throw new JsonException("expected an object");
        return JsonNode.Parse(document.RootElement.GetRawText(), documentOptions: StrictJson.Document) as JsonObject;
    }

    public override void Write(Utf8JsonWriter writer, JsonObject value, JsonSerializerOptions options) => value.WriteTo(writer, options);
}
