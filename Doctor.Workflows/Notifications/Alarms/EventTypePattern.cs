using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.RegularExpressions;

namespace Doctor.Workflows.Notifications.Alarms;

/// <summary>
/// An alarm's <c>event_type</c>: an exact name, or a shell-style pattern as Aodh matches it with <c>fnmatch</c>
/// (<c>*</c> any run, <c>?</c> one character, <c>[seq]</c>, <c>[!seq]</c>; case-sensitive).
/// Compiled once, because matching runs for every notification.
/// </summary>
public sealed class EventTypePattern
{
    private readonly Regex? _regex;

    private EventTypePattern(string text, Regex? regex)
    {
        Text = text;
        _regex = regex;
    }

    public string Text { get; }

    public bool IsExact => _regex is null;

    public bool Matches(string eventType) => _regex is null ? string.Equals(eventType, Text, StringComparison.Ordinal) : _regex.IsMatch(eventType);

    public static bool TryParse(string text, [NotNullWhen(true)] out EventTypePattern? pattern)
    {
        pattern = null;
        if (text.IndexOfAny(['*', '?', '[']) < 0)
        {
            pattern = new(text, null);
            return true;
        }
        try
        {
            // Interpreted, not compiled: patterns are short, and compiling thousands of alarms would slow the start.
            pattern = new(text, new Regex(Translate(text), RegexOptions.CultureInvariant | RegexOptions.Singleline));
            return true;
        }
        catch (ArgumentException)
        {
            return false; // e.g. a reversed range "[z-a]"
        }
    }

    public static EventTypePattern Parse(string text) =>
        TryParse(text, out var pattern) ? pattern : throw new FormatException($"'{text}' is not a valid event type pattern");

    public override string ToString() => Text;

    /// <summary>The translation Python's <c>fnmatch.translate</c> makes, anchored at both ends.</summary>
    private static string Translate(string pattern)
    {
        var regex = new StringBuilder("^");
        var i = 0;
        while (i < pattern.Length)
        {
            var c = pattern[i++];
            switch (c)
            {
                case '*':
                    regex.Append(".*");
                    break;
                case '?':
                    regex.Append('.');
                    break;
                case '[':
                    var j = i;
                    if (j < pattern.Length && pattern[j] == '!') j++;
                    if (j < pattern.Length && pattern[j] == ']') j++;
                    while (j < pattern.Length && pattern[j] != ']') j++;
                    if (j >= pattern.Length)
                    {
                        regex.Append(@"\[");
                        break;
                    }
                    var set = pattern[i..j].Replace(@"\", @"\\", StringComparison.Ordinal).Replace("[", @"\[", StringComparison.Ordinal);
                    i = j + 1;
                    if (set.Length == 0)
                        regex.Append("(?!)");
                    else if (set == "!")
                        regex.Append('.');
                    else if (set[0] == '!')
                        regex.Append("[^").Append(set, 1, set.Length - 1).Append(']');
                    else if (set[0] == '^')
                        regex.Append(@"[\").Append(set).Append(']');
                    else
                        regex.Append('[').Append(set).Append(']');
                    break;
                default:
                    regex.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }
        return regex.Append(@"\z").ToString();
    }
}
