namespace Doctor.Workflows.Notifications.Alarms;

/// <summary>Ceilometer's trait dtypes, as they appear in the second slot of <c>[name, dtype, value]</c>.</summary>
public enum TraitDataType
{
    String = 1,
    Integer = 2,
    Float = 3,
    Datetime = 4,
}
