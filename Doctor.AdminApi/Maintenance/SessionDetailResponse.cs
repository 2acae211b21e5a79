using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Doctor.Domain.Maintenance;
using Doctor.Workflows.Engine;
using Doctor.Workflows.Infrastructure;
using Doctor.Workflows.Maintenance;
using Doctor.Workflows.Maintenance.Detail;

namespace Doctor.AdminApi.Maintenance;

/// <summary>
/// <c>GET /v1/maintenance/{sid}/detail</c> in Fenix's shape — <c>state</c>, <c>percent_done</c>, <c>session</c>,
/// <c>hosts</c>, <c>instances</c>, <c>action_plugin_instances</c> — with what an admin needs beside them to continue
/// a failed session where it failed: the projects and their replies, the session's action plug-ins, and the states it
/// may continue from.
/// </summary>
public sealed record SessionDetailResponse(
    [property: JsonPropertyName("session_id")] string SessionId,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("percent_done")] int PercentDone,
    [property: JsonPropertyName("session")] SessionDetailView Session,
    [property: JsonPropertyName("hosts")] IReadOnlyList<SessionHostView> Hosts,
    [property: JsonPropertyName("projects")] IReadOnlyList<SessionProjectView> Projects,
    [property: JsonPropertyName("instances")] IReadOnlyList<SessionInstanceView> Instances,
    [property: JsonPropertyName("action_plugins")] IReadOnlyList<SessionActionPluginView> ActionPlugins,
    [property: JsonPropertyName("action_plugin_instances")] IReadOnlyList<SessionActionPluginInstanceView> ActionPluginInstances)
{
    /// <param name="instances">The cloud's instances by id (name, host, status now); one the cloud no longer has is shown without them.</param>
    /// <param name="hostStates">Each host's physical state (normal, maintenance, down, error).</param>
    public static SessionDetailResponse Of(SessionDetail detail, WorkflowDefinition definition,
        IReadOnlyDictionary<string, ServerInstance> instances, IReadOnlyDictionary<string, string> hostStates)
    {
        var s = detail.Session;
        var continuable = definition.States.Values.Where(v => !v.IsFinal).Select(v => v.Name).ToList();
        // A failed session continues at the state that failed: the one before its failed state, or where it stopped.
        var continueFrom = s.Status != SessionStatus.Failed ? null
            : definition.States.TryGetValue(s.State, out var current) && current.IsFinal ? detail.PreviousState
            : s.State;
        var replies = detail.Projects.ToDictionary(p => p.ProjectId, p => p.LastReply, StringComparer.Ordinal);
        var session = new SessionDetailView(s.SessionId, s.State, detail.PreviousState, s.Status.ToString().ToLowerInvariant(),
            s.Status == SessionStatus.Failed ? s.FailureReason : s.StateReason, FenixTime.InForm(s.MaintenanceAt, s.MaintenanceAtForm),
            s.MetadataJson, Parse(s.MetadataJson), s.WorkflowId, s.WorkflowVersion,
            s.Policy == SubscriptionPolicy.Proceed ? "proceed" : "require_subscription", s.Round,
            continueFrom is not null && continuable.Contains(continueFrom) ? continueFrom : null, continuable, s.CreatedAt, s.UpdatedAt);
        return new SessionDetailResponse(
            s.SessionId, s.State, s.Hosts.Count == 0 ? 0 : s.MaintainedHosts.Count * 100 / s.Hosts.Count, session,
            [.. detail.Hosts.Select(h => new SessionHostView(h.Host, "compute", h.Maintained, h.MaintainedAt, h.Disabled,
                h.Maintained ? "maintained" : h.InMaintenance ? "in_maintenance" : h.Chosen ? "emptying" : "waiting",
                hostStates.GetValueOrDefault(h.Host, "normal"), null))],
            [.. detail.Projects.Select(p => new SessionProjectView(p.ProjectId, p.LastReply, p.LastReplyAt, p.NotifiedStates, p.InstanceIds, p.Interactive, p.MissedStates))],
            [.. detail.Instances.Select(i =>
            {
                var now = instances.GetValueOrDefault(i.InstanceId);
                return new SessionInstanceView(i.InstanceId, now?.Name, i.ProjectId, replies.GetValueOrDefault(i.ProjectId), now?.Host ?? i.ToHost ?? i.FromHost,
                    now?.Status.ToLowerInvariant(), i.Action, i.Status == InstanceActionStatus.Done, i.Status.ToString().ToLowerInvariant(), i.FailureReason,
                    i.SessionState, i.Round, i.FromHost, i.ToHost, i.RequestedAt, i.SettledAt);
            })],
            [.. s.Actions.Select(a => new SessionActionPluginView(a.Plugin, a.Type, Parse(a.MetadataJson)))],
            [.. detail.HostActions.Select(a => new SessionActionPluginInstanceView(a.Host, a.Plugin, a.Type, a.Succeeded ? "done" : "failed", a.FailureReason, a.At))]);
    }

    private static JsonNode? Parse(string json) => string.IsNullOrEmpty(json) ? null : JsonNode.Parse(json);
}
