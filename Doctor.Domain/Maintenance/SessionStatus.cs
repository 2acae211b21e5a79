namespace Doctor.Domain.Maintenance;

public enum SessionStatus
{
    NotStarted,
    Running,
    Done,
    Failed,
    Deleted,
}
