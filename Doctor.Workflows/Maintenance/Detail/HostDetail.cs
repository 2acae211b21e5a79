namespace Doctor.Workflows.Maintenance.Detail;

/// <summary>
/// A host of the session: maintained (and when), in maintenance now, chosen to be emptied in the current round, its
/// compute disabled by the session now.
/// </summary>
public sealed record HostDetail(string Host, bool Maintained, DateTimeOffset? MaintainedAt, bool InMaintenance, bool Chosen, bool Disabled);
