namespace Doctor.Workflows.Notifications.Alarms.Queries;

/// <summary>The queryable fields of one kind of row, by name, and the ordering of rows by <see cref="SortKey"/>s.</summary>
public sealed class QueryFields<T>
{
    private readonly Dictionary<string, QueryField<T>> _fields;

    public QueryFields(IEnumerable<QueryField<T>> fields, string primaryKey)
    {
        _fields = fields.ToDictionary(f => f.Name, StringComparer.Ordinal);
        PrimaryKey = _fields[primaryKey];
    }

    /// <summary>The field that tells rows apart: the last tie-break of every ordering, and what a marker names.</summary>
    public QueryField<T> PrimaryKey { get; }

    public IEnumerable<string> Names => _fields.Keys;

    public QueryField<T> this[string name] => _fields[name];

    public bool TryGet(string name, out QueryField<T> field) => _fields.TryGetValue(name, out field!);

    /// <summary>
    /// <paramref name="rows"/> in the order of <paramref name="keys"/>, then by primary key. Nulls sort as PostgreSQL
    /// sorts them: after every value ascending, before every value descending.
    /// </summary>
    public List<T> Sort(IEnumerable<T> rows, IReadOnlyList<SortKey> keys)
    {
        var all = keys.Append(new SortKey(PrimaryKey.Name, false)).ToList();
        var sorted = rows.ToList();
        sorted.Sort((a, b) =>
        {
            foreach (var key in all)
            {
                var field = _fields[key.Field];
                var c = Compare(field, field.Read(a), field.Read(b));
                if (c != 0)
                    return key.Descending ? -c : c;
            }
            return 0;
        });
        return sorted;
    }

    private static int Compare(QueryField<T> field, FilterValue? a, FilterValue? b) => (a, b) switch
    {
        (null, null) => 0,
        (null, _) => 1,
        (_, null) => -1,
        ({ } x, { } y) when field.IsSeverity => SeverityRank(x.Text).CompareTo(SeverityRank(y.Text)),
        ({ } x, { } y) => x.CompareTo(y),
    };

    public static int SeverityRank(string severity) => severity switch
    {
        AlarmSeverities.Low => 1,
        AlarmSeverities.Moderate => 2,
        AlarmSeverities.Critical => 3,
        _ => 0,
    };
}
