using System.Text;

namespace Doctor.AdminApi.Alarms;

/// <summary>
/// Values as Aodh's messages print them — Python's <c>repr</c> of a string, a list or a tuple — so that a 400 reads
/// word for word as Aodh's (its own API tests compare the whole message).
/// </summary>
public static class PythonText
{
    /// <summary><c>repr(str)</c>: single quotes unless the text has one and no double quote.</summary>
    public static string Repr(string text)
    {
        var quote = text.Contains('\'') && !text.Contains('"') ? '"' : '\'';
        var repr = new StringBuilder().Append(quote);
        foreach (var c in text)
        {
            switch (c)
            {
                case '\\': repr.Append("\\\\"); break;
                case '\n': repr.Append("\\n"); break;
                case '\r': repr.Append("\\r"); break;
                case '\t': repr.Append("\\t"); break;
                default:
                    if (c == quote)
                        repr.Append('\\');
                    repr.Append(c);
                    break;
            }
        }
        return repr.Append(quote).ToString();
    }

    /// <summary><c>repr(list)</c> of strings: <c>['a', 'b']</c>.</summary>
    public static string List(IEnumerable<string> items) => "[" + string.Join(", ", items.Select(Repr)) + "]";

    /// <summary><c>repr(tuple)</c> of strings: <c>('a', 'b')</c>.</summary>
    public static string Tuple(IEnumerable<string> items) => "(" + string.Join(", ", items.Select(Repr)) + ")";
}
