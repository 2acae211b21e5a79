using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Doctor.Tests.Infrastructure;
using Doctor.Tests.Maintenance;
using Doctor.Workflows.Faults;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Doctor.Tests.Faults;

/// <summary>
/// The incident book keeps every open incident and the most recent others (Doctor:Faults:IncidentsInMemory): a monitor
/// that reports without end does not grow it without end. Older incidents with a stream are read from the store when
/// asked for by id; the list pages with limit and marker.
/// </summary>
[Collection("faults-e2e")]
public sealed class IncidentRetentionTests : IAsyncLifetime
{
    private const int Kept = 100;
    private TestDatabase _db = null!;

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task GivenMoreIncidentsThanKept_ThenTheOpenAndTheMostRecentStay_OlderOnesAreReadFromTheStore_AndTheListPages()
    {
        var cloud = FaultClouds.Create(hosts: 2, vmsPerHost: 2, owners: 1);
        await using var server = await DoctorServer.StartAsync(_db, cloud, new Dictionary<string, string?> { ["Doctor:Faults:IncidentsInMemory"] = $"{Kept}" });
        var resolved = Id(await server.Client.PutEventsAsync(FaultApi.HostDown("compute-0")), 0);
        await server.Client.PutEventsAsync(FaultApi.HostDown("compute-0", "compute.host.up"));
        var open = Id(await server.Client.PutEventsAsync(FaultApi.HostDown("compute-1")), 0);
        var first = await server.Client.PutEventsAsync(Noise(150));
        var second = await server.Client.PutEventsAsync(Noise(150));
        var newest = Enumerable.Range(0, 150).Select(i => Id(second, i)).ToList();

        var listed = Ids(await server.Client.GetJsonAsync("/v1/incidents"));
        Assert.Equal(Kept, listed.Count);
        Assert.Contains(open, listed); // open: never dropped, however old
        Assert.DoesNotContain(resolved, listed);
        Assert.DoesNotContain(Id(first, 0), listed);
        Assert.Equal(newest.TakeLast(Kept - 1).Order(StringComparer.Ordinal), listed.Where(id => id != open).Order(StringComparer.Ordinal)); // the most recent

        // An older incident with a stream of its own is folded from the store, profile included, without coming back.
        var old = await server.Client.GetJsonAsync($"/v1/incidents/{resolved}");
        Assert.Equal("resolved", old["status"]!.GetValue<string>());
        Assert.Contains("correlated", (await server.Client.GetJsonAsync($"/v1/incidents/{resolved}/profile"))["stages"]!.AsArray()
            .Select(s => s!["stage"]!.GetValue<string>()));
        Assert.DoesNotContain(resolved, Ids(await server.Client.GetJsonAsync("/v1/incidents")));
        // An older fault that fenced nothing has no stream: not found, and the answer says where it is.
        using (var gone = await server.Client.GetAsync($"/v1/incidents/{Id(first, 0)}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
            Assert.Equal("application/problem+json", gone.Content.Headers.ContentType?.MediaType);
            Assert.Contains("fault.batch_recorded", await gone.Content.ReadAsStringAsync());
        }

        // Pages: limit and marker walk the same list, without gaps or overlaps.
        var walked = new List<string>();
        for (string? marker = null; ;)
        {
            var page = Ids(await server.Client.GetJsonAsync($"/v1/incidents?limit=30{(marker is null ? "" : $"&marker={marker}")}"));
            walked.AddRange(page);
            if (page.Count < 30)
                break;
            marker = page[^1];
        }
        Assert.Equal(listed, walked);

        var metrics = await server.Client.GetStringAsync("/metrics");
        Assert.Equal(Kept, Gauge(metrics, "doctor_fault_incidents_in_memory"));
        Assert.Equal(2 + 300 - Kept, Gauge(metrics, "doctor_fault_incidents_evicted_total"));
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=10001", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("limit=-1", "limit")]
    [InlineData("marker=no-such-incident", "marker")]
    public async Task GivenABadPagingParameter_ThenProblem400NamingIt(string query, string parameter)
    {
        await using var server = await DoctorServer.StartAsync(_db, FaultClouds.Create(hosts: 1, vmsPerHost: 1, owners: 1));
        await server.Client.PutEventsAsync(Noise(3));

        using var response = await server.Client.GetAsync($"/v1/incidents?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.StartsWith($"{parameter}:", problem["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task GivenTheOpenApiDocument_ThenTheIncidentListDeclaresLimitAndMarker()
    {
        await using var server = await DoctorServer.StartAsync(_db, FaultClouds.Create(hosts: 1, vmsPerHost: 1, owners: 1));

        var document = await server.Client.GetJsonAsync("/openapi/v1.json");

        var parameters = document["paths"]!["/v1/incidents"]!["get"]!["parameters"]!.AsArray();
        Assert.Equal(["limit", "marker"], parameters.Select(p => p!["name"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.All(parameters, p => Assert.Equal("query", p!["in"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData("99")]
    [InlineData("10000001")]
    [InlineData("ten")]
    public void GivenAnInvalidIncidentsInMemory_ThenTheOptionsAreRefused_NamingTheSetting(string value)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Doctor:Faults:IncidentsInMemory"] = value }).Build();
        using var services = new ServiceCollection().AddLogging().AddFaultManagement(configuration).BuildServiceProvider();

        var e = Assert.ThrowsAny<Exception>(() => services.GetRequiredService<IOptions<FaultOptions>>().Value);
        Assert.Contains("IncidentsInMemory", e.Message);
    }

    [Fact]
    public async Task GivenEightWritersRacing_ThenTheBookStaysWithinItsBound_AndKeepsEveryOpenIncident()
    {
        await using var unused = NpgsqlDataSource.Create("Host=127.0.0.1"); // Put never reads the store
        var types = new Doctor.Workflows.EventStore.EventTypeRegistry();
        var book = new IncidentBook(unused, types, new Doctor.Workflows.Hosts.PhysicalResourceBook(new Doctor.Workflows.EventStore.PostgresEventStore(unused), types),
            Options.Create(new FaultOptions { IncidentsInMemory = Kept }));
        var open = Enumerable.Range(0, 20).Select(i => $"open-{i}").ToList();
        var start = new Barrier(8);
        await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Factory.StartNew(() =>
        {
            start.SignalAndWait();
            for (var i = 0; i < 5_000; i++)
            {
                book.Put($"w{w}-{i}", State($"w{w}-{i}", Doctor.Domain.Faults.IncidentStatus.Recorded), 0);
                if (w == 0 && i % 250 == 0)
                    book.Put(open[i / 250], State(open[i / 250], Doctor.Domain.Faults.IncidentStatus.Open), 1);
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)));

        Assert.Equal(Kept, book.Count);
        Assert.Equal(Kept, book.All().Count);
        Assert.Equal(8 * 5_000 + open.Count - Kept, book.Evicted);
        Assert.All(open, id => Assert.NotNull(book.Get(id)));
        Assert.Equal("open-3", book.OpenOn("host-open-3"));
    }

    private static Doctor.Domain.Faults.IncidentState State(string id, Doctor.Domain.Faults.IncidentStatus status) =>
        Doctor.Domain.Faults.IncidentState.Initial with
        {
            Status = status,
            Fault = new Doctor.Domain.Faults.FaultReceived(id, id, "compute.host.fan.warning", $"host-{id}", 1, DateTimeOffset.UnixEpoch, null, "test", "{}", DateTimeOffset.UnixEpoch),
        };

    /// <summary>Record-only faults (fan warnings) on the two hosts: each is an incident that fences nothing.</summary>
    private static string Noise(int count)
    {
        var events = new JsonArray();
        var time = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.ffffff", CultureInfo.InvariantCulture);
        for (var i = 0; i < count; i++)
            events.Add(new JsonObject { ["time"] = time, ["type"] = "compute.host.fan.warning", ["details"] = new JsonObject { ["hostname"] = $"compute-{i % 2}" } });
        return events.ToJsonString();
    }

    private static string Id(JsonObject answer, int index) => answer["incidents"]![index]!["incident_id"]!.GetValue<string>();

    private static List<string> Ids(JsonNode list) => [.. list.AsArray().Select(i => i!["incident_id"]!.GetValue<string>())];

    private static double Gauge(string metrics, string name)
    {
        var line = metrics.Split('\n').FirstOrDefault(l => l.StartsWith(name + " ", StringComparison.Ordinal) || l.StartsWith(name + "{", StringComparison.Ordinal))
            ?? throw new Xunit.Sdk.XunitException($"{name} is not on /metrics");
        return double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
    }

}
