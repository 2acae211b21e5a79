using System.Text.Json;
using System.Text.Json.Serialization;

namespace Doctor.AdminApi.Errors;

/// <summary>
/// Request strings must be text PostgreSQL can keep: a NUL (<c>\u0000</c>) is refused while reading the body, so the
/// answer is a 400 naming the field instead of a database error after part of the work is done.
/// </summary>
internal sealed class StoredTextConverter : JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
            throw new JsonException("expected a string");
        var text = reader.GetString();
        return text is not null && text.Contains('\0') ? throw new JsonException("must not contain NUL (\\u0000)") : text;
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}
