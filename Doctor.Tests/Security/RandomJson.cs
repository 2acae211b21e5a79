using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace Doctor.Tests.Security;

/// <summary>FsCheck generators of JSON text shaped like the service's requests: its field names, with any value in them.</summary>
public static class RandomJson
{
    private static readonly string[] Leaves =
    [
        "null", "true", "false", "0", "-1", "1.5", "1e400", "-1e400", "99999999999999999999", "\"\"", "\"x\"", "\"\\u0000\"", "\"\\ud800\"",
        "\"2026-13-01 00:00:00\"", "\"9999-12-31T23:59:59Z\"", "\"MAINTENANCE\"", "\"ACK_MAINTENANCE\"", "\"NACK_SCALE_IN\"", "\"MIGRATE\"",
        "\"event\"", "\"*\"", "\"project\"", "\"admin\"", "\"doctor-test\"", "\"compute-0\"", "\"ha-0\"", "\"http://169.254.169.254/\"",
        "\"http://127.0.0.1:9/x\"", "\"🩺\"",
    ];

    /// <summary>A JSON string of random UTF-16 code units, escaped, so lone surrogates and control characters occur.</summary>
    private static Gen<string> AnyString() =>
        Gen.ArrayOf(Gen.Choose(0, 0xFFFF)).Select(units =>
        {
            var text = new StringBuilder("\"");
            foreach (var unit in units)
                text.Append("\\u").Append(unit.ToString("x4", CultureInfo.InvariantCulture));
            return text.Append('"').ToString();
        });

    private static Gen<string> Leaf() => Gen.Frequency((4, Gen.Elements(Leaves)), (1, AnyString()));

    private static Gen<string> Value(int depth) => depth <= 0
        ? Leaf()
        : Gen.Frequency((3, Leaf()), (1, Array(depth - 1)), (2, Object(depth - 1)));

    private static Gen<string> Array(int depth) => Gen.ListOf(Value(depth)).Select(items => "[" + string.Join(",", items) + "]");

    private static Gen<string> Object(int depth) =>
        Gen.ListOf(Gen.Zip(Gen.Elements(HostileBodies.Fields), Value(depth)))
            .Select(members => "{" + string.Join(",", members.Select(m => $"\"{m.Item1}\":{m.Item2}")) + "}");

    /// <summary>A request body: mostly an object, sometimes anything.</summary>
    public static Gen<string> Body() => Gen.Sized(size => Gen.Frequency((8, Object(Math.Min(size / 10 + 1, 4))), (1, Array(2)), (1, Leaf())));
}
