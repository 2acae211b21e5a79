using Doctor.Workflows.Infrastructure;
using Doctor.Workflows.Notifications.Alarms;

namespace Doctor.Workflows.Faults.WarmUp;

/// <summary>
/// One dry fault's world, new for every pass: a host the real resource map does not know, its instances in
/// <paramref name="Projects"/> projects, and per instance an event alarm as Doctor's consumer makes it
/// (<c>compute.instance.update</c>, <c>traits.instance_id eq</c>, <c>traits.state eq error</c>, no repeat actions),
/// whose action is the warm-up's sink, one path per project. Every id is fresh: nothing of it can meet a real one.
/// </summary>
internal sealed record DryIncident(string Host, int Projects, IReadOnlyList<ComputeHost> Hosts, IReadOnlyList<ServerInstance> Instances, IReadOnlyList<EventAlarm> Alarms)
{
    /// <summary>The notifications its fault makes: an instance update per instance, a <c>doctor.fault</c> per owner.</summary>
    public int Notifications => Instances.Count + Projects;

    public static DryIncident Create(Uri sink, DateTimeOffset now, int projects, int instancesPerProject)
    {
        var tag = Guid.NewGuid().ToString("N")[..12];
        var host = $"warm-up-{tag}";
        var instances = new List<ServerInstance>();
        var alarms = new List<EventAlarm>();
        EventTypePattern.TryParse("compute.instance.update", out var instanceUpdate);
        for (var p = 0; p < projects; p++)
        {
            var project = $"warm-up-{tag}-{p}";
            for (var i = 0; i < instancesPerProject; i++)
            {
                var id = Guid.NewGuid().ToString();
                instances.Add(new ServerInstance(id, $"{host}-vm-{p}-{i}", host, project, "ACTIVE", "UP", null, 1));
                alarms.Add(new EventAlarm
                {
                    Id = Guid.NewGuid(),
                    Name = $"{host}-alarm-{p}-{i}",
                    ProjectId = project,
                    EventType = instanceUpdate!,
                    Query = [Condition("traits.instance_id", id), Condition("traits.state", "error")],
                    AlarmActions = [new Uri(sink, $"failure/{p}")],
                    RepeatActions = false,
                    Description = EventAlarm.DefaultDescription("compute.instance.update"),
                    Status = AlarmStatus.Initial(now),
                    CreatedAt = now,
                });
            }
        }
        return new DryIncident(host, projects, [new ComputeHost(host, instances.Count, instances.Count, ComputeEnabled: true, ForcedDown: false, "normal")], instances, alarms);
    }

    private static AlarmQuery Condition(string field, string value) =>
        AlarmQuery.TryCreate(field, QueryOperator.Eq, value, "string", out var error) ?? throw new InvalidOperationException(error!.Message);
}
