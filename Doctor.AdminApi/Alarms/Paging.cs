using System.Globalization;
using SortKey = Doctor.Workflows.Notifications.Alarms.Queries.SortKey;
using Doctor.Workflows.Notifications.Alarms.Queries;

namespace Doctor.AdminApi.Alarms;

/// <summary>
/// Aodh's <c>sort</c> (repeatable, <c>key</c> or <c>key:asc|desc</c>), <c>limit</c> and <c>marker</c> (the id of the last
/// row of the previous page) on a list. No sort means Aodh's default, newest first (<c>timestamp:desc</c>); the id is
/// always the last tie-break, so pages never overlap.
/// </summary>
public sealed record Paging(IReadOnlyList<SortKey> Sort, int? Limit, string? Marker)
{
    private static readonly SortKey Newest = new("timestamp", Descending: true);

    /// <summary>The paging of the request, or null and Aodh's message; <paramref name="sortKeys"/> are the keys the list sorts by.</summary>
    public static Paging? TryRead(IQueryCollection query, IReadOnlyList<string> sortKeys, out string? problem)
    {
        problem = null;
        var sort = new List<SortKey>();
        foreach (var text in query["sort"])
        {
            var s = text ?? "";
            var colon = s.IndexOf(':', StringComparison.Ordinal);
            var key = colon < 0 ? s : s[..colon];
            var direction = colon < 0 ? "asc" : s[(colon + 1)..];
            if (!sortKeys.Contains(key) || direction is not ("asc" or "desc"))
            {
                problem = $"Invalid input for field/attribute sort. Value: '{s}'. the sort parameter should be a pair of sort key and sort dir combined " +
                          $"with ':', or only sort key specified and sort dir will be default 'asc', the supported sort keys are: {PythonText.Tuple(sortKeys)}";
                return null;
            }
            sort.Add(new SortKey(key, direction == "desc"));
        }
        int? limit = null;
        if (query["limit"] is [{ } limitText])
        {
            if (!int.TryParse(limitText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
            {
                problem = $"Invalid input for field/attribute limit. Value: '{limitText}'. unable to convert to int";
                return null;
            }
            if (n <= 0)
            {
                problem = $"Invalid input for field/attribute limit. Value: '{limitText}'. it should be a positive integer.";
                return null;
            }
            limit = n;
        }
        var marker = query["marker"] is [{ Length: > 0 } m] ? m : null;
        return new Paging(sort.Count == 0 ? [Newest] : sort, limit, marker);
    }

    /// <summary>The page of <paramref name="rows"/>, or null and Aodh's message when the marker is not among them.</summary>
    public List<T>? TryApply<T>(IEnumerable<T> rows, QueryFields<T> fields, out string? problem)
    {
        problem = null;
        var sorted = fields.Sort(rows, Sort);
        var start = 0;
        if (Marker is not null)
        {
            var at = sorted.FindIndex(r => fields.PrimaryKey.Read(r)?.Text == Marker);
            if (at < 0)
            {
                problem = $"Marker {Marker} not found.";
                return null;
            }
            start = at + 1;
        }
        var page = sorted.Skip(start);
        return (Limit is { } limit ? page.Take(limit) : page).ToList();
    }
}
