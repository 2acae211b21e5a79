using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Doctor.Workflows.Maintenance.HostActions;

/// <summary>Stands in for real host work: waits <c>metadata.duration_ms</c> (or the configured default), then succeeds.</summary>
public sealed class DummyHostAction(IOptions<MaintenanceOptions> options) : IHostActionPlugin
{
    public string Name => "dummy";

    public async Task<string?> RunAsync(HostActionRequest request, CancellationToken ct)
    {
        var duration = options.Value.DummyActionDuration;
        using var doc = JsonDocument.Parse(request.MetadataJson);
        if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("duration_ms", out var d) && d.TryGetInt32(out var ms) && ms >= 0)
            duration = TimeSpan.FromMilliseconds(ms);
        if (duration > TimeSpan.Zero)
            await Task.Delay(duration, ct);
        return null;
    }
}
