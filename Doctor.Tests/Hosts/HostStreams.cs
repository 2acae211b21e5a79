using Doctor.Workflows;
using Doctor.Workflows.EventStore;
using Doctor.Workflows.Faults;
using Doctor.Workflows.Hosts;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Doctor.Tests.Hosts;

/// <summary>The hosts' streams on a test database, composed as the service composes them, for tests that drive an activity by hand.</summary>
public static class HostStreams
{
    public static PhysicalResources Create(NpgsqlDataSource dataSource, IEventStore store)
    {
        var types = DoctorEventTypes.CreateRegistry();
        var hosts = new PhysicalResourceBook(store, types);
        var incidents = new IncidentBook(dataSource, types, hosts, Options.Create(new FaultOptions()));
        return new PhysicalResources(hosts, incidents, store, types, TimeProvider.System);
    }
}
