using System.Globalization;
using Doctor.Workflows.EventStore;
using Doctor.Workflows.Notifications.Alarms;
using Doctor.Workflows.Notifications.Delivery;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Doctor.Tests.Notifications;

/// <summary>The alarm services as <c>AddAodhAlarms</c> composes them, on a test database, with delivery settings small enough for tests.</summary>
public sealed class AlarmServices : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    private AlarmServices(ServiceProvider provider) => _provider = provider;

    public AlarmNotifier Notifier => _provider.GetRequiredService<AlarmNotifier>();
    public IEventFeedHandler FeedHandler => Assert.Single(_provider.GetServices<IEventFeedHandler>());
    public AlarmDirectory Directory => _provider.GetRequiredService<AlarmDirectory>();
    public AlarmRepository Repository => _provider.GetRequiredService<AlarmRepository>();
    public NotifierCounters Counters => _provider.GetRequiredService<NotifierCounters>();
    public WebhookDispatcher Dispatcher => _provider.GetRequiredService<WebhookDispatcher>();
    public DeliveryStore Store => _provider.GetRequiredService<DeliveryStore>();
    public NotifierNode Node => _provider.GetRequiredService<NotifierNode>();
    public DeliveryRecovery Recovery => _provider.GetRequiredService<DeliveryRecovery>();
    public WebhookSecrets Secrets => _provider.GetRequiredService<WebhookSecrets>();
    public Doctor.Workflows.Notifications.NotificationShortcut Shortcut => _provider.GetRequiredService<Doctor.Workflows.Notifications.NotificationShortcut>();
    public CollectedDeadLetters DeadLetters { get; private init; } = new();

    public static AlarmServices Create(NpgsqlDataSource dataSource, int maxAttempts = 4, int baseDelayMs = 1, int timeoutMs = 10_000)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Doctor:Notifier:MaxAttempts"] = maxAttempts.ToString(CultureInfo.InvariantCulture),
            ["Doctor:Notifier:BaseDelayMs"] = baseDelayMs.ToString(CultureInfo.InvariantCulture),
            ["Doctor:Notifier:MaxDelayMs"] = "50",
            ["Doctor:Notifier:TimeoutMs"] = timeoutMs.ToString(CultureInfo.InvariantCulture),
        }).Build();
        var deadLetters = new CollectedDeadLetters();
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton(dataSource)
            .AddSingleton<IDeadLetterSink>(deadLetters)
            .AddAodhAlarms(configuration);
        return new AlarmServices(services.BuildServiceProvider(validateScopes: true)) { DeadLetters = deadLetters };
    }

    /// <summary>Waits until every queued delivery is delivered or dead; fails after a generous bound.</summary>
    public Task WhenIdleAsync() => Dispatcher.WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(20));

    public ValueTask DisposeAsync() => _provider.DisposeAsync();
}
