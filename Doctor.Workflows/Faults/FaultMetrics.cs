using System.Diagnostics.Metrics;

namespace Doctor.Workflows.Faults;

/// <summary>Fault management on <c>/metrics</c> (meter <c>Doctor.Faults</c>).</summary>
public sealed class FaultMetrics
{
    private readonly Counter<long> _received;
    private readonly Counter<long> _incidents;
    private readonly Counter<long> _notifications;

    public FaultMetrics(IMeterFactory meters, ResourceMap map, IncidentBook book)
    {
        var meter = meters.Create("Doctor.Faults");
        _received = meter.CreateCounter<long>("doctor_fault_events_received", description: "Raw fault events accepted by the inspector");
        _incidents = meter.CreateCounter<long>("doctor_fault_incidents", description: "Incidents opened, by verdict");
        _notifications = meter.CreateCounter<long>("doctor_fault_notifications_emitted", description: "Fault notifications appended to the outbox");
        meter.CreateObservableCounter("doctor_fault_resource_map_drift_corrected", () => map.DriftCorrected,
            description: "Instances the periodic re-snapshot found wrong in the resource map and corrected");
        meter.CreateObservableCounter("doctor_fault_resource_map_snapshots", () => map.Snapshots, description: "Full resource map snapshots taken");
        meter.CreateObservableGauge("doctor_fault_resource_map_instances", () => map.InstanceCount, description: "Instances in the resource map");
        meter.CreateObservableGauge("doctor_fault_incidents_in_memory", () => book.Count, description: "Incidents this node keeps in memory: every open one and the most recent others");
        meter.CreateObservableCounter("doctor_fault_incidents_evicted", () => book.Evicted,
            description: "Incidents dropped from memory to stay within Doctor:Faults:IncidentsInMemory (still in the store)");
    }

    public void Received(int count) => _received.Add(count);

    public void Incident(string verdict) => _incidents.Add(1, new KeyValuePair<string, object?>("verdict", verdict));

    public void Notifications(int count) => _notifications.Add(count);
}
