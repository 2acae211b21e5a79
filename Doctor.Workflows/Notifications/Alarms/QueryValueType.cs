namespace Doctor.Workflows.Notifications.Alarms;

/// <summary>How a query value (and the trait it is compared with) is read. Aodh treats <c>""</c> and a missing type as string.</summary>
public enum QueryValueType
{
    String,
    Integer,
    Float,
    Datetime,
    Boolean,
}
