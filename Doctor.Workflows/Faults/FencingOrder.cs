using Doctor.Domain.Faults;

namespace Doctor.Workflows.Faults;

/// <summary>An incident just appended whose host is to be fenced, with what its hand-over to the notifier took.</summary>
public sealed record FencingOrder(string IncidentId, string Host, IncidentState State, int Notified, DateTimeOffset AppendedAt, DateTimeOffset HandedOverAt);
