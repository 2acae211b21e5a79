using Doctor.Tests.Infrastructure;
using Doctor.Workflows.EventStore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Doctor.Tests.EventStore;

public sealed class EventStoreRegistrationTests
{
    [Fact]
    public async Task AddDoctorEventStore_InAHostOnAMigratedSchema_RunsRegisteredHandlers()
    {
        await using var db = await TestDatabase.CreateAsync();
        // The host migrates the schema first (Doctor.AdminApi's DatabaseStartup); here the test does.
        await EventStoreSchema.MigrateAsync(db.DataSource);
        var handler = new RecordingFeedHandler("di-projection");
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton(db.DataSource);
        builder.Services.AddSingleton<IEventFeedHandler>(handler);
        builder.Services.AddDoctorEventStore(o => o.FeedPollInterval = TimeSpan.FromMilliseconds(200));
        using var host = builder.Build();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        await host.StartAsync(timeout.Token);
        try
        {
            var store = host.Services.GetRequiredService<IEventStore>();
            var registry = host.Services.GetRequiredService<EventTypeRegistry>();
            registry.Register<SampleHappened>("test.sample_happened.v1");
            var appended = await store.AppendAsync("sample-1", "sample", ExpectedVersion.NoStream,
                [registry.Serialize(new SampleHappened("hello"))], EventMetadata.Engine("c"), timeout.Token);
            await host.Services.GetRequiredService<EventFeedRunner>().WaitForPositionAsync(handler.Name, appended.LastSeq, timeout.Token);

            Assert.Same(registry, host.Services.GetRequiredService<EventTypeRegistry>());
            Assert.IsType<PostgresEventStore>(store);
            Assert.Equal(new SampleHappened("hello"), registry.Deserialize(Assert.Single(handler.Seen)));
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task AddDoctorEventStore_WithAnInvalidBatchSize_FailsStartNamingTheSetting()
    {
        await using var db = await TestDatabase.CreateAsync();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton(db.DataSource);
        builder.Services.AddDoctorEventStore(o => o.FeedBatchSize = 0);
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Doctor:EventStore:FeedBatchSize", error.Message);
    }

    public sealed record SampleHappened(string Text);
}
