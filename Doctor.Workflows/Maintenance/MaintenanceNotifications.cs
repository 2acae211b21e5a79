using System.Text.Json;
using System.Text.Json.Nodes;
using Doctor.Domain.Maintenance;
using Doctor.Workflows.Notifications;

namespace Doctor.Workflows.Maintenance;

/// <summary>
/// What each session event tells the outside world (CONTRACTS.md "Notifications"): projects get
/// <c>maintenance.scheduled</c>, inspectors <c>maintenance.host</c>, everyone watching the session <c>maintenance.session</c>.
/// Built in the same append as the event, so the store is the outbox.
/// </summary>
public static class MaintenanceNotifications
{
    public const string Scheduled = "maintenance.scheduled";
    public const string Host = "maintenance.host";
    public const string Session = "maintenance.session";

    public static IEnumerable<NotificationEmitted> For(SessionState after, IMaintenanceEvent evt, string baseUrl, Guid eventId)
    {
        var id = eventId.ToString();
        switch (evt)
        {
            case ProjectNotified n when n.Interactive:
                yield return new NotificationEmitted(id, Scheduled, n.ProjectId, ProjectPayload(after, n.ProjectId, n.State, baseUrl), n.At);
                break;
            case InstanceActionDone d:
                var done = ProjectPayload(after, d.ProjectId, "INSTANCE_ACTION_DONE", baseUrl);
                done["instance_ids"] = d.InstanceId;
                yield return new NotificationEmitted(id, Scheduled, d.ProjectId, done, d.At);
                break;
            case HostEnteredMaintenance h:
                yield return new NotificationEmitted(id, Host, null, HostPayload(after, h.Host, "IN_MAINTENANCE"), h.At);
                break;
            case HostLeftMaintenance h:
                yield return new NotificationEmitted(id, Host, null, HostPayload(after, h.Host, "MAINTENANCE_COMPLETE"), h.At);
                break;
            case StateEntered or SessionDone or SessionFailed or SessionDeleted or SessionResumed:
                yield return new NotificationEmitted(id, Session, null, SessionPayload(after, evt), evt.At);
                break;
        }
    }

    private static JsonObject ProjectPayload(SessionState s, string projectId, string state, string baseUrl)
    {
        var window = s.CurrentWindow;
        var projectUrl = $"{baseUrl.TrimEnd('/')}/v1/maintenance/{s.SessionId}/{projectId}";
        var actionsAt = window?.ActionsAt ?? window?.Deadline ?? s.MaintenanceAt;
        return new JsonObject
        {
            ["service"] = "doctor",
            ["session_id"] = s.SessionId,
            ["project_id"] = projectId,
            ["state"] = state,
            ["instance_ids"] = projectUrl,
            ["allowed_actions"] = new JsonArray((window?.AllowedActions ?? []).Select(a => (JsonNode)JsonValue.Create(a)!).ToArray()),
            ["reply_url"] = projectUrl,
            ["actions_at"] = FenixTime.ToFenix(actionsAt),
            ["reply_at"] = FenixTime.ToFenix(window?.Deadline ?? actionsAt),
            ["metadata"] = ParseObject(s.MetadataJson),
        };
    }

    private static JsonObject HostPayload(SessionState s, string host, string state) => new()
    {
        ["service"] = "doctor",
        ["state"] = state,
        ["session_id"] = s.SessionId,
        ["host"] = host,
        ["project_id"] = null,
    };

    private static JsonObject SessionPayload(SessionState s, IMaintenanceEvent evt) => new()
    {
        ["service"] = "doctor",
        ["session_id"] = s.SessionId,
        ["state"] = s.State,
        ["status"] = s.Status.ToString().ToLowerInvariant(),
        ["event"] = evt.GetType().Name,
        ["reason"] = evt switch { StateEntered e => e.Reason, SessionFailed f => f.Reason, _ => null },
        ["maintained_hosts"] = new JsonArray(s.MaintainedHosts.Select(h => (JsonNode)JsonValue.Create(h)!).ToArray()),
    };

    private static JsonObject ParseObject(string json)
    {
        try
        {
            return JsonNode.Parse(json) as JsonObject ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }
}
