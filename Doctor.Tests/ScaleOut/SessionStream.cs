using System.Text.Json.Nodes;
using Npgsql;

namespace Doctor.Tests.ScaleOut;

/// <summary>A session's events read straight from the database (the service may be dead), and the checks that no decision was taken twice.</summary>
internal static class SessionStream
{
    public sealed record Entry(long Version, string Type, JsonObject Data)
    {
        public int Round => Data["round"]!.GetValue<int>();
    }

    public static async Task<IReadOnlyList<Entry>> ReadAsync(NpgsqlDataSource db, string sessionId)
    {
        await using var cmd = db.CreateCommand("SELECT version, type, data::text FROM doctor.events WHERE stream_id = $1 ORDER BY version");
        cmd.Parameters.AddWithValue($"maintenance-{sessionId}");
        await using var reader = await cmd.ExecuteReaderAsync();
        var entries = new List<Entry>();
        while (await reader.ReadAsync())
            entries.Add(new Entry(reader.GetInt64(0), reader.GetString(1), JsonNode.Parse(reader.GetString(2))!.AsObject()));
        return entries;
    }

    public static async Task<long> VersionAsync(NpgsqlDataSource db, string sessionId)
    {
        await using var cmd = db.CreateCommand("SELECT coalesce(max(version), 0) FROM doctor.events WHERE stream_id = $1");
        cmd.Parameters.AddWithValue($"maintenance-{sessionId}");
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    public static async Task<bool> IsClosedAsync(NpgsqlDataSource db, string sessionId)
    {
        await using var cmd = db.CreateCommand(
            "SELECT exists(SELECT 1 FROM doctor.events WHERE stream_id = $1 AND type IN ('maintenance.session_done.v1', 'maintenance.session_failed.v1'))");
        cmd.Parameters.AddWithValue($"maintenance-{sessionId}");
        return (bool)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// Every decision at most once: a state entered once per round, a reply recorded once per (round, project), a window
    /// expired once per round, an instance action requested and finished once per (round, instance), a host entered and
    /// left once per round, the session closed once. Returns the violations (empty when none).
    /// </summary>
    public static IReadOnlyList<string> DuplicateDecisions(IReadOnlyList<Entry> events)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var violations = new List<string>();
        var round = 0;
        foreach (var e in events)
        {
            if (e.Type == "maintenance.state_entered.v1")
                round = e.Round;
            var key = e.Type switch
            {
                "maintenance.state_entered.v1" => $"{e.Round}",
                "maintenance.reply_received.v1" => $"{e.Round}|{e.Data["project_id"]}",
                "maintenance.reply_window_opened.v1" or "maintenance.reply_window_expired.v1" or "maintenance.host_chosen.v1" => $"{e.Round}",
                "maintenance.instance_action_requested.v1" => $"{e.Round}|{e.Data["instance_id"]}",
                "maintenance.instance_action_done.v1" or "maintenance.instance_action_failed.v1" => $"{round}|{e.Data["instance_id"]}",
                "maintenance.project_notified.v1" => $"{e.Round}|{e.Data["project_id"]}",
                "maintenance.host_entered_maintenance.v1" or "maintenance.host_left_maintenance.v1" or "maintenance.host_action_completed.v1"
                    => $"{e.Data["host"]}|{e.Data["plugin"]}|{e.Data["type"]}", // each host is maintained once a session
                "maintenance.session_done.v1" or "maintenance.session_failed.v1" => "closed",
                _ => null,
            };
            if (key is not null && !seen.Add($"{e.Type}|{key}"))
                violations.Add($"v{e.Version} {e.Type} again for {key}: {e.Data.ToJsonString()}");
        }
        return violations;
    }
}
