namespace Doctor.Workflows.Notifications.Alarms.Queries;

/// <summary>How a queryable field's values compare: as text (ordinal), as booleans, as times; lists and rules compare as their JSON text.</summary>
public enum FieldKind
{
    Text,
    Boolean,
    Time,
    Json,
}
