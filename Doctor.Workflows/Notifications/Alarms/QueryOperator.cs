namespace Doctor.Workflows.Notifications.Alarms;

/// <summary>The six comparisons Aodh's event evaluator knows.</summary>
public enum QueryOperator
{
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}
