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
                result.Add(new NotificationEmitted(MessageId(fault, "update", instance.InstanceId, now), InstanceUpdate, instance.ProjectId, payload, now));
            }
        }
        foreach (var owner in instances.GroupBy(i => i.ProjectId, StringComparer.Ordinal))
        {
            var info = new JsonArray();
            foreach (var instance in owner)
                info.Add(new JsonObject { ["id"] = instance.InstanceId, ["state"] = state, ["faults"] = new JsonArray(faultJson.DeepClone()) });
            var payload = new JsonObject { ["virtual_resource_info"] = info };
            result.Add(new NotificationEmitted(MessageId(fault, "fault", owner.Key, now), DoctorFault, owner.Key, payload, now));
        }
        return result;
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
            result.Add(new NotificationEmitted(MessageId(fault, "recovered", instance.InstanceId, now), InstanceUpdate, instance.ProjectId, payload, now));
        }
        return result;
    }

    // Derived, not random: every expansion of one stored record (fast lane, feed, replay) yields the same ids, hence the
    // same delivery ids and X-Doctor-Event-Id. An incident notifies once per kind, at one time.
    private static string MessageId(FaultReceived fault, string kind, string key, DateTimeOffset now) =>
        DerivedUuid.Of($"{fault.IncidentId}\n{kind}\n{key}\n{now.UtcTicks}").ToString();

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
