using System.Text.Json.Serialization;
using Doctor.Domain.Faults;
using Doctor.Workflows.Notifications;

namespace Doctor.Workflows.Faults;

/// <summary>
/// The outbox record of an incident's notifications (<see cref="TypeName"/>), stored compactly: the fault once and the
/// affected instances as (instance, owner) pairs — not the hundred payloads they expand to. <see cref="Expand"/> gives
/// the notifications themselves, the same on every read (message ids are derived, not random), so the fast lane, the
/// feed and an auditor replaying the stream all see one set of notifications. A host of 100 instances is one small row
/// in the incident's append instead of 110 large ones; a 100-host failure is 100 rows of a few kilobytes instead of
/// 20,000 payloads.
/// </summary>
public sealed record FaultNotificationsEmitted(
    [property: JsonPropertyName("fault")] FaultReceived Fault,
    [property: JsonPropertyName("instances")] IReadOnlyList<AffectedInstance> Instances,
    [property: JsonPropertyName("correlated_fault_ids")] IReadOnlyList<string> CorrelatedFaultIds,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("host_status")] string HostStatus,
    [property: JsonPropertyName("instance_updates")] bool InstanceUpdates,
    [property: JsonPropertyName("recovered")] bool Recovered,
    [property: JsonPropertyName("generated")] DateTimeOffset Generated)
{
    public const string TypeName = "fault.notifications_emitted.v1";

    /// <summary>The notifications this record stands for, in order: per instance a <c>compute.instance.update</c>, then per owner a <c>doctor.fault</c>.</summary>
    public List<NotificationEmitted> Expand() =>
        Recovered
            ? FaultNotifications.ForRecovery(Fault, Instances, State, Generated)
            : FaultNotifications.ForFault(Fault, Instances, CorrelatedFaultIds, State, HostStatus, InstanceUpdates, Generated);
}
