using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Doctor.AdminApi.Metrics;

/// <summary>Process-wide gauges: uptime (<c>doctor_process_uptime_seconds</c>) and working set (<c>doctor_process_memory_working_set_bytes</c>).</summary>
public sealed class ProcessMetrics
{
    public const string MeterName = "Doctor.Process";

    public ProcessMetrics(IMeterFactory meterFactory, TimeProvider time)
    {
        var meter = meterFactory.Create(MeterName);
        var started = time.GetTimestamp();
        meter.CreateObservableGauge("doctor.process.uptime", () => time.GetElapsedTime(started).TotalSeconds, unit: "s",
            description: "Seconds since the service started.");
        meter.CreateObservableGauge("doctor.process.memory.working_set", () => Environment.WorkingSet, unit: "By",
            description: "Physical memory the process uses.");
    }
}
