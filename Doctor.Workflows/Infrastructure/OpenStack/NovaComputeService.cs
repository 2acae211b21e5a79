using System.Text.Json.Nodes;
using Doctor.Domain.Hosts;

namespace Doctor.Workflows.Infrastructure.OpenStack;

/// <summary>A <c>nova-compute</c> service as <c>/os-services</c> lists it (microversion ≥ 2.53: <see cref="Id"/> is a UUID).</summary>
internal sealed record NovaComputeService(string Id, string Host, bool Enabled, bool Up, bool ForcedDown, string? DisabledReason)
{
    /// <summary>
    /// The physical resource state as Nova's own <c>host_status</c> would say it: forced down or not heartbeating is
    /// <c>down</c>, a disabled service is <c>maintenance</c>, anything else <c>normal</c>.
    /// </summary>
    public string State => ForcedDown || !Up ? HostStates.Down : !Enabled ? HostStates.Maintenance : HostStates.Normal;

    public static NovaComputeService From(JsonNode service) => new(
        service["id"]!.ToString(),
        service["host"]!.GetValue<string>(),
        service["status"]?.GetValue<string>() == "enabled",
        service["state"]?.GetValue<string>() == "up",
        service["forced_down"]?.GetValue<bool>() == true,
        service["disabled_reason"]?.GetValue<string>());
}
