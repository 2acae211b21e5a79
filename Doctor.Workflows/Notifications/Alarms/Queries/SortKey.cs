namespace Doctor.Workflows.Notifications.Alarms.Queries;

/// <summary>One key of an ordering: Aodh's <c>sort=name:desc</c> or <c>orderby</c> <c>[{"name": "desc"}]</c>.</summary>
public sealed record SortKey(string Field, bool Descending);
