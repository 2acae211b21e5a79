using System.Text.Json;
using System.Text.RegularExpressions;

namespace Doctor.AdminApi.Errors;

/// <summary>
/// Turns what ASP.NET reports about a request it could not bind into a problem title that names the
/// field and what is wrong (CONTRACTS.md: <c>count: not a valid integer</c>).
/// </summary>
internal static partial class BadRequestTitle
{
    public static (string Title, string? Detail) For(BadHttpRequestException exception)
    {
        if (exception.InnerException is JsonException json)
        {
            var field = Field(json.Path);
            var reason = json.Message;
            var cut = reason.IndexOf(" Path:", StringComparison.Ordinal);
            if (cut >= 0)
            {
                reason = reason[..cut];
            }
            var conversion = CouldNotConvert().Match(reason);
            var title = conversion.Success
                ? $"{field}: not a valid {Describe(conversion.Groups["type"].Value)}"
                : $"{field}: malformed JSON ({reason.TrimEnd('.')})";
            return (title, Position(json));
        }
        return (exception.Message, null);
    }

    private static string Field(string? path) => path switch
    {
        null or "" or "$" => "body",
        _ when path.StartsWith("$.", StringComparison.Ordinal) => path[2..],
        _ when path.StartsWith('$') => path[1..],
        _ => path,
    };

    private static string? Position(JsonException json) =>
        json.LineNumber is { } line && json.BytePositionInLine is { } column
            ? $"The request body is not valid here: line {line + 1}, byte {column + 1}."
            : null;

    private static string Describe(string clrType)
    {
        var type = clrType.Split('.', '+').Last().Split('`')[0];
        return type switch
        {
            "Int16" or "Int32" or "Int64" or "UInt16" or "UInt32" or "UInt64" or "Byte" => "integer",
            "Single" or "Double" or "Decimal" => "number",
            "Boolean" => "boolean (true or false)",
            "String" => "string",
            "Char" => "single character",
            "DateTime" or "DateTimeOffset" or "DateOnly" or "TimeOnly" => "time",
            "TimeSpan" => "duration",
            "Guid" => "UUID",
            "List" or "IReadOnlyList" or "IList" or "IEnumerable" or "ICollection" or "IReadOnlyCollection" or "HashSet" => "array",
            "Dictionary" or "IDictionary" or "IReadOnlyDictionary" => "object",
            _ when clrType.EndsWith("[]", StringComparison.Ordinal) => "array",
            _ => "value here",
        };
    }

    [GeneratedRegex("could not be converted to (?<type>[^\\s.][^\\s]*?)\\.?$")]
    private static partial Regex CouldNotConvert();
}
