using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;

namespace Doctor.AdminApi.Errors;

/// <summary>
/// Turns what ASP.NET reports about a request body it could not bind into a problem title that
/// names the field and what is wrong (CONTRACTS.md: <c>count: not a valid integer</c>). The
/// expected type is read from the endpoint's body parameter through the JSON contract, so
/// <c>[JsonPropertyName]</c> names and nested paths (<c>hosts[1]</c>) come out as the client wrote them.
/// </summary>
internal static partial class BadRequestTitle
{
    public static (string Title, string? Detail) For(BadHttpRequestException exception, Endpoint? endpoint, JsonSerializerOptions json)
    {
        if (exception.InnerException is not JsonException invalid)
        {
            return (exception.Message, null);
        }
        var field = Field(invalid.Path);
        var detail = invalid.LineNumber is { } line && invalid.BytePositionInLine is { } column
            ? $"The request body is invalid at line {line + 1}, byte {column + 1}."
            : null;
        // The reader's own exceptions mean the text is not JSON at all; the rest are JSON of the wrong shape.
        if (invalid.InnerException?.GetType().Name == "JsonReaderException")
        {
            var reason = invalid.Message;
            var cut = reason.IndexOf(" Path:", StringComparison.Ordinal);
            return ($"{field}: malformed JSON ({(cut >= 0 ? reason[..cut] : reason).TrimEnd('.')})", detail);
        }
        var expected = ExpectedType(exception, endpoint, json, invalid.Path);
        return (expected is null ? $"{field}: invalid value" : $"{field}: not a valid {Describe(expected, json)}", detail);
    }

    private static string Field(string? path) => path switch
    {
        null or "" or "$" => "body",
        _ when path.StartsWith("$.", StringComparison.Ordinal) => path[2..],
        _ when path.StartsWith('$') => path[1..],
        _ => path,
    };

    /// <summary>The CLR type the JSON contract expects at <paramref name="path"/> of the body parameter, when it can be told.</summary>
    private static Type? ExpectedType(BadHttpRequestException exception, Endpoint? endpoint, JsonSerializerOptions json, string? path)
    {
        var parameterName = BodyParameter().Match(exception.Message) is { Success: true } m ? m.Groups["name"].Value : null;
        var bodyType = endpoint?.Metadata.GetMetadata<MethodInfo>()?.GetParameters()
            .FirstOrDefault(p => p.Name == parameterName)?.ParameterType;
        if (bodyType is null || string.IsNullOrEmpty(path))
        {
            return null;
        }
        try
        {
            var type = bodyType;
            foreach (Match segment in PathSegment().Matches(path))
            {
                var info = json.GetTypeInfo(type);
                if (segment.Groups["index"].Success)
                {
                    type = info.ElementType;
                }
                else
                {
                    var name = segment.Groups["name"].Success ? segment.Groups["name"].Value : segment.Groups["quoted"].Value;
                    type = info.Kind == JsonTypeInfoKind.Dictionary
                        ? info.ElementType
                        : info.Properties.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))?.PropertyType;
                }
                if (type is null)
                {
                    return null;
                }
            }
            return type;
        }
        catch (Exception e) when (e is NotSupportedException or InvalidOperationException or ArgumentException)
        {
            return null;
        }
    }

    private static string Describe(Type type, JsonSerializerOptions json)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsEnum)
        {
            return "value (one of " + string.Join(", ", Enum.GetNames(type)) + ")";
        }
        switch (Type.GetTypeCode(type))
        {
            case TypeCode.Byte or TypeCode.SByte or TypeCode.Int16 or TypeCode.UInt16 or TypeCode.Int32
                or TypeCode.UInt32 or TypeCode.Int64 or TypeCode.UInt64:
                return "integer";
            case TypeCode.Single or TypeCode.Double or TypeCode.Decimal:
                return "number";
            case TypeCode.Boolean:
                return "boolean (true or false)";
            case TypeCode.String or TypeCode.Char:
                return "string";
            case TypeCode.DateTime:
                return "time";
        }
        if (type == typeof(DateTimeOffset) || type == typeof(DateOnly) || type == typeof(TimeOnly))
        {
            return "time";
        }
        if (type == typeof(TimeSpan))
        {
            return "duration";
        }
        if (type == typeof(Guid))
        {
            return "UUID";
        }
        try
        {
            return json.GetTypeInfo(type).Kind switch
            {
                JsonTypeInfoKind.Enumerable => "array",
                JsonTypeInfoKind.Object or JsonTypeInfoKind.Dictionary => "object",
                _ => "value",
            };
        }
        catch (NotSupportedException)
        {
            return "value";
        }
    }

    // "Failed to read parameter "EchoRequest request" from the request body as JSON."
    [GeneratedRegex("parameter \"\\S+ (?<name>[^\"]+)\"")]
    private static partial Regex BodyParameter();

    // $.hosts[1].name, $['odd name']
    [GeneratedRegex(@"\.(?<name>[^.\[]+)|\['(?<quoted>[^']*)'\]|\[(?<index>\d+)\]")]
    private static partial Regex PathSegment();
}
