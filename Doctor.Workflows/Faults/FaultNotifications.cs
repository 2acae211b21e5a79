using System.Text.Json;
using System.Text.Json.Nodes;
using Doctor.Domain.Faults;
using Doctor.Workflows.Notifications;

namespace Doctor.Workflows.Faults;

/// <summary>
/// What owners are told about an incident (CONTRACTS.md): per instance a <c>compute.instance.update</c> (what Aodh
/// event alarms of Doctor consumers match), and per owner project one <c>doctor.fault</c> in the northbound
/// FaultNotification shape for native subscriptions.
/// </summary>
public static class FaultNotifications
{
    public const string InstanceUpdate = "compute.instance.update";
    public const string DoctorFault = "doctor.fault";

    /// <summary>The notifications of a fenced incident: instances in <paramref name="state"/> (<c>error</c>) on a host <paramref name="hostStatus"/>.</summary>
    public static List<NotificationEmitted> ForFault(FaultReceived fault, IReadOnlyList<AffectedInstance> instances, IReadOnlyList<string> correlated,
        string state, string hostStatus, bool instanceUpdates, DateTimeOffset now)
    {
        var result = new List<NotificationEmitted>(instances.Count + 8);
        var faultJson = FaultJson(fault, correlated);
        if (instanceUpdates)
        {
            foreach (var instance in instances)
            {
                var payload = InstancePayload(instance, fault.Host, state, hostStatus);
                payload["incident_id"] = fault.IncidentId;
                payload["fault_id"] = fault.FaultId;
                payload["fault_type"] = fault.FaultType;
                payload["severity"] = fault.Severity;
                payload["event_time"] = Time(fault.EventTime);
                payload["probable_cause"] = fault.ProbableCause;
                result.Add(new NotificationEmitted(Guid.NewGuid().ToString(), InstanceUpdate, instance.ProjectId, payload, now));
            }
        }
        foreach (var owner in instances.GroupBy(i => i.ProjectId, StringComparer.Ordinal))
        {
            var info = new JsonArray();
            foreach (var instance in owner)
                info.Add(new JsonObject { ["id"] = instance.InstanceId, ["state"] = state, ["faults"] = new JsonArray(faultJson.DeepClone()) });
            var payload = new JsonObject { ["virtual_resource_info"] = info };
            result.Add(new NotificationEmitted(Guid.NewGuid().ToString(), DoctorFault, owner.Key, payload, now));
        }
        return result;
    }

    /// <summary>Outbox events never hold more notifications than this: a row stays a few hundred kilobytes at most.</summary>
    public const int MaxPerOutboxEvent = 500;

    /// <summary>
    /// The outbox events for <paramref name="notifications"/>, in order: one per <see cref="MaxPerOutboxEvent"/>, so an
    /// incident on a host of 100 instances adds one event row to the append, not 110 — and a 100-host failure 100, not
    /// 10,000 — whatever the number of owners.
    /// </summary>
    public static List<NotificationBatchEmitted> Batches(IReadOnlyList<NotificationEmitted> notifications)
    {
        var batches = new List<NotificationBatchEmitted>((notifications.Count + MaxPerOutboxEvent - 1) / MaxPerOutboxEvent);
        for (var start = 0; start < notifications.Count; start += MaxPerOutboxEvent)
            batches.Add(new NotificationBatchEmitted([.. notifications.Skip(start).Take(MaxPerOutboxEvent)]));
        return batches;
    }

    /// <summary>The host is back: each instance's recovered state, host UP.</summary>
    public static List<NotificationEmitted> ForRecovery(FaultReceived fault, IReadOnlyList<AffectedInstance> instances, string state, DateTimeOffset now)
    {
        var result = new List<NotificationEmitted>(instances.Count);
        foreach (var instance in instances)
        {
            var payload = InstancePayload(instance, fault.Host, state, "UP");
            payload["incident_id"] = fault.IncidentId;
            payload["fault_id"] = fault.FaultId;
            payload["recovered"] = true;
            result.Add(new NotificationEmitted(Guid.NewGuid().ToString(), InstanceUpdate, instance.ProjectId, payload, now));
        }
        return result;
    }

    // As the feed reads it back (a JSON string), not a CLR DateTimeOffset: the fast lane routes these very objects, and
    // alarm traits and subscription filters must see the same value on both paths.
    private static JsonNode Time(DateTimeOffset time) => JsonSerializer.SerializeToNode(time)!;

    private static JsonObject InstancePayload(AffectedInstance instance, string? host, string state, string hostStatus) => new()
    {
        ["instance_id"] = instance.InstanceId,
        ["tenant_id"] = instance.ProjectId,
        ["project_id"] = instance.ProjectId,
        ["state"] = state,
        ["host"] = host,
        ["host_status"] = hostStatus,
    };

    private static JsonObject FaultJson(FaultReceived fault, IReadOnlyList<string> correlated)
    {
        var ids = new JsonArray();
        foreach (var id in correlated)
            ids.Add(id);
        return new JsonObject
        {
            ["fault_id"] = fault.FaultId,
            ["fault_type"] = fault.FaultType,
            ["severity"] = fault.Severity,
            ["event_time"] = Time(fault.EventTime),
            ["probable_cause"] = fault.ProbableCause,
            ["correlated_fault_ids"] = ids,
            ["is_root_cause"] = true,
            ["fault_details"] = JsonNode.Parse(fault.DetailsJson),
        };
    }
}
