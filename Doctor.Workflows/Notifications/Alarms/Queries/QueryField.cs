namespace Doctor.Workflows.Notifications.Alarms.Queries;

/// <summary>
/// A field clients may filter and sort on: its name as Aodh spells it, its kind, how to read it from a row (null:
/// the row has none), and — for fields the database filters — its SQL expression. A severity sorts by meaning
/// (low, moderate, critical), as Aodh sorts it.
/// </summary>
public sealed record QueryField<T>(string Name, FieldKind Kind, Func<T, FilterValue?> Read, string? Column = null, bool IsSeverity = false);
