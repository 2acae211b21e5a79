using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Doctor.Workflows.Infrastructure.OpenStack;

/// <summary>
/// Moves a server the way an operator would with Nova: a cold migration runs to VERIFY_RESIZE and is confirmed, a live
/// migration runs to its end; both are waited on in Nova's own state, polled, for at most
/// <see cref="OpenStackOptions.MigrationTimeout"/>. A refusal carries Nova's message (the API's, or the failed
/// instance action's event details: "No valid host was found ...").
/// </summary>
internal sealed class NovaMigrations(OpenStackHttp api, OpenStackOptions options, TimeProvider clock, ILogger logger)
{
    public async Task<NovaServer> MigrateAsync(NovaServer server, bool live, string? targetHost, CancellationToken ct)
    {
        var action = live ? "live migration" : "migration";
        JsonNode body = live
            ? new JsonObject { ["os-migrateLive"] = new JsonObject { ["host"] = targetHost, ["block_migration"] = "auto" } }
            : new JsonObject { ["migrate"] = targetHost is null ? null : new JsonObject { ["host"] = targetHost } };
        string? requestId = null;
        try
        {
            requestId = (await api.SendAsync("compute", HttpMethod.Post, $"/servers/{server.Id}/action", body, idempotent: false, ct)).RequestId;
        }
        catch (OpenStackApiException e) when (e.Status is null)
        {
            // No answer: Nova may or may not have taken it. Its state says which; asking again could migrate twice.
            var now = await GetAsync(server.Id, ct);
            if (now is null || !now.Busy)
                throw new InfrastructureActionFailedException(action, server.Id, e.CloudMessage);
            logger.LogWarning("OpenStack: {Action} of {Server} got no answer but Nova shows it under way; waiting for it", action, server.Id);
        }
        catch (OpenStackApiException e)
        {
            throw new InfrastructureActionFailedException(action, server.Id, Reason(e));
        }
        return await SettleAsync(server, action, requestId, ct);
    }

    /// <summary>
    /// Finishes whatever move Nova is running for the server (after a crash of ours): waits while it is busy, confirms a
    /// VERIFY_RESIZE. Starts nothing. Returns the server as it then is, or null when it is gone.
    /// </summary>
    public async Task<NovaServer?> FinishAsync(string serverId, TimeSpan within, CancellationToken ct)
    {
        var until = clock.GetUtcNow() + within;
        var confirmed = false;
        while (true)
        {
            var now = await GetAsync(serverId, ct);
            if (now is null)
                return null;
            if (now.Status == NovaServer.VerifyResize && now.TaskState is null && !confirmed)
            {
                await ConfirmAsync(serverId, ct);
                confirmed = true;
            }
            else if (!now.Busy && now.Status != NovaServer.VerifyResize || clock.GetUtcNow() > until)
                return now;
            await Task.Delay(options.PollInterval, ct);
        }
    }

    private async Task<NovaServer> SettleAsync(NovaServer before, string action, string? requestId, CancellationToken ct)
    {
        var until = clock.GetUtcNow() + options.MigrationTimeout;
        var confirmed = false;
        while (true)
        {
            await Task.Delay(options.PollInterval, ct);
            var now = await GetAsync(before.Id, ct)
                      ?? throw new InfrastructureActionFailedException(action, before.Id, "the server was deleted while it moved");
            if (now.Status == NovaServer.VerifyResize && now.TaskState is null && !confirmed)
            {
                await ConfirmAsync(before.Id, ct);
                confirmed = true;
                continue;
            }
            if (now.Status == NovaServer.Error)
                throw new InfrastructureActionFailedException(action, before.Id, await FailureAsync(now, requestId, restore: before.Status == NovaServer.Active, ct));
            if (!now.Busy && now.Status != NovaServer.VerifyResize)
            {
                if (now.Host != before.Host)
                    return now;
                throw new InfrastructureActionFailedException(action, before.Id, await FailureAsync(now, requestId, restore: false, ct));
            }
            if (clock.GetUtcNow() > until)
                throw new InfrastructureActionFailedException(action, before.Id,
                    $"not finished within {options.MigrationTimeout}: Nova shows status {now.Status}, task {now.TaskState ?? "none"}, host {now.Host}");
        }
    }

    private async Task ConfirmAsync(string serverId, CancellationToken ct)
    {
        try
        {
            await api.SendAsync("compute", HttpMethod.Post, $"/servers/{serverId}/action", new JsonObject { ["confirmResize"] = null }, idempotent: true, ct);
        }
        catch (OpenStackApiException e) when (e.Status == HttpStatusCode.Conflict)
        {
            // Confirmed already (by an earlier try whose answer was lost, or by Nova's resize_confirm_window).
        }
    }

    /// <summary>
    /// Why a move failed, in Nova's words: the failed event of the instance action (details from microversion 2.84), the
    /// server's fault, or the migration record. A live migration refused after the server went ERROR leaves it ERROR on
    /// its source host; it is reset to ACTIVE (it never stopped running) when <paramref name="restore"/>.
    /// </summary>
    private async Task<string> FailureAsync(NovaServer now, string? requestId, bool restore, CancellationToken ct)
    {
        var reason = now.FaultMessage;
        if (requestId is not null)
            reason = await FailedEventAsync(now.Id, requestId, ct) ?? reason;
        reason ??= await MigrationStatusAsync(now.Id, ct);
        if (restore && now.Status == NovaServer.Error && now.Host.Length > 0)
        {
            await api.SendAsync("compute", HttpMethod.Post, $"/servers/{now.Id}/action",
                new JsonObject { ["os-resetState"] = new JsonObject { ["state"] = "active" } }, idempotent: true, ct);
            reason += " (the server was reset to ACTIVE on its host)";
        }
        return reason;
    }

    /// <summary>
    /// The details of the instance action's failed event. Nova sets the server back to ACTIVE a moment before it records
    /// the event's result, so an action still running is read again for a few polls.
    /// </summary>
    private async Task<string?> FailedEventAsync(string serverId, string requestId, CancellationToken ct)
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            try
            {
                var events = (await api.GetAsync("compute", $"/servers/{serverId}/os-instance-actions/{requestId}", ct))["instanceAction"]?["events"]?.AsArray() ?? [];
                var failed = events.FirstOrDefault(e => e?["result"]?.GetValue<string>() == "Error" && e["details"] is JsonValue)
                             ?? events.FirstOrDefault(e => e?["result"]?.GetValue<string>() == "Error");
                if (failed is not null)
                    return failed["details"]?.GetValue<string>() ?? $"{failed["event"]?.GetValue<string>()} failed";
                if (events.Count > 0 && events.All(e => e?["finish_time"] is JsonValue))
                    return null;
            }
            catch (OpenStackApiException e)
            {
                logger.LogDebug(e, "OpenStack: instance action {Request} of {Server} unreadable", requestId, serverId);
                return null;
            }
            await Task.Delay(options.PollInterval, ct);
        }
        return null;
    }

    private async Task<string> MigrationStatusAsync(string serverId, CancellationToken ct)
    {
        var migrations = (await api.GetAsync("compute", $"/os-migrations?instance_uuid={serverId}", ct))["migrations"]?.AsArray() ?? [];
        var last = migrations.OrderByDescending(m => m?["created_at"]?.GetValue<string>(), StringComparer.Ordinal).FirstOrDefault();
        return last is null ? "Nova shows no migration of it" : $"Nova's migration ended '{last["status"]?.GetValue<string>()}'";
    }

    private async Task<NovaServer?> GetAsync(string serverId, CancellationToken ct)
    {
        try
        {
            return NovaServer.From((await api.GetAsync("compute", $"/servers/{serverId}", ct))["server"]!);
        }
        catch (OpenStackApiException e) when (e.Status == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Nova's message with the status it came with, e.g. "No valid host was found. ... (HTTP 400)".</summary>
    public static string Reason(OpenStackApiException e) => e.Status is { } status ? $"{e.CloudMessage} (HTTP {(int)status})" : e.CloudMessage;
}
