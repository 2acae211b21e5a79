using System.Diagnostics;
using System.Net.Http;
using Doctor.Workflows.EventStore;
using Doctor.Workflows.Hosts;
using Doctor.Workflows.Notifications;
using Doctor.Workflows.Notifications.Alarms;
using Doctor.Workflows.Notifications.Delivery;
using Doctor.Workflows.Notifications.Subscriptions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Doctor.Workflows.Faults.WarmUp;

/// <summary>
/// The start-up warm-up (<see cref="FaultOptions.WarmUp"/>): a host failure is rare, so in production the fault path
/// always runs cold — tier-0 code, type handlers and statements never used — and the first fault paid ~250 ms for it.
/// This runs the whole path on dry incidents before the service says it is healthy: the endpoint and its parse, the
/// inspector's verdict and events, the append, the fast lane's routing, the Aodh body, its signature and its POST, the
/// delivery rows, the feed handler's read of the events, fencing's bookkeeping; then the append once more on several
/// pooled connections. The classes are the real ones, new instances of them wired to dry edges, so nothing observable
/// changes:
/// <list type="bullet">
/// <item>appends run the real statement in transactions that are rolled back (<see cref="PostgresEventStore.RollingBack"/>),
/// through a queue of their own, never batched with a real append;</item>
/// <item>the dry alarms, their moves and the delivery rows are written in one transaction of the warm-up's own
/// connection, rolled back at the end; the directories hold the dry alarms only, never a subscriber's;</item>
/// <item>webhooks go through the real <c>notifier</c> handler chain, guarded so that only the warm-up's loopback sink
/// can be reached (<see cref="SinkOnlyWebhookClients"/>); recovery never adopts a real pending delivery;</item>
/// <item>fencing calls go to a dry cloud; metrics to meters <c>/metrics</c> does not collect; books, counters and
/// queues are the warm-up's own instances, dropped afterwards.</item>
/// </list>
/// Each class that would reach the database gets the warm-up's transaction explicitly below: a constructor that grows
/// a new edge fails to build here until someone decides how that edge stays dry.
/// </summary>
public sealed class FaultWarmUp(
    NpgsqlDataSource dataSource,
    EventTypeRegistry types,
    FailurePolicySource policies,
    NotifierNode node,
    IHttpClientFactory httpClients,
    IHttpMessageHandlerFactory handlers,
    IOptions<FaultOptions> faultOptions,
    IOptions<NotifierOptions> notifierOptions,
    TimeProvider clock,
    ILoggerFactory loggers)
{
    // The dry faults, as (projects, instances per project). One pass compiles the path (and a host of 100 instances
    // the paths that grow with it); a second on the same connections meets what is prepared and cached already. More,
    // to let tiered compilation optimise the path (two rounds of 32 with waits for the compiler), moved the first
    // fault's figures by less than their run-to-run spread and added 0.5 – 1.5 s to the start (docs/benchmarks.md).
    private static readonly (int Projects, int InstancesPerProject)[] Passes = [(2, 2), (10, 10), (2, 2)];

    // More connections than the pool holds idle after the start (five to seven seen): each gets the append once.
    private const int PoolConnections = 8;

    // The first real fault should not compete with the compiler still busy with the warm-up's methods in the background.
    private static readonly TimeSpan JitQuiet = TimeSpan.FromMilliseconds(150);
    private static readonly TimeSpan JitQuietAtMost = TimeSpan.FromSeconds(2);

    /// <summary>The longest the warm-up may take; past it, it stops where it is and the service starts anyway.</summary>
    public static readonly TimeSpan AtMost = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Runs the dry passes, each from a sample report through <paramref name="southbound"/> to its answer and last
    /// webhook. Never throws for a pass that falls short: it stops there and says why in the report.
    /// </summary>
    public async Task<WarmUpReport> RunAsync(IWarmUpSouthbound southbound, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(AtMost);
        var token = deadline.Token;
        var logs = new WarmUpLogs(loggers);
        await using var sink = WarmUpSink.Start();
        await using var connection = await dataSource.OpenConnectionAsync(token);
        // Every dry alarm, alarm move and delivery row of the warm-up lives and dies in this transaction.
        await using var transaction = await connection.BeginTransactionAsync(token);
        using var meters = new WarmUpMeters();
        var stage = new Stage(dataSource, connection, sink, logs, meters, notifierOptions, clock, node, handlers);
        WarmUpReport report;
        await using (stage)
        {
            // The notifier client as the real factory builds it, once: deliveries create it so on every attempt.
            httpClients.CreateClient(WebhookDispatcher.HttpClientName).Dispose();
            var passes = 0;
            var expected = 0;
            TimeSpan first = default, last = default;
            string? incomplete = null;
            try
            {
                foreach (var shape in Passes)
                {
                    var (took, webhooks, problem) = await PassAsync(stage, southbound, shape, token);
                    passes++;
                    expected += webhooks;
                    if (passes == 1)
                        first = took;
                    last = took;
                    if ((incomplete = problem) is not null)
                        break;
                }
                if (incomplete is null)
                {
                    await WarmConnectionsAsync(stage, token);
                    await JitQuietAsync(token);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                incomplete = e is OperationCanceledException ? $"not done within {AtMost.TotalSeconds:0} s" : $"{e.GetType().Name}: {e.Message}";
            }
            report = new WarmUpReport(passes, default, first, last, sink.Received, expected, incomplete);
        }
        // Once the stage's writers are done with the connection (disposing it waits for them).
        await transaction.RollbackAsync(CancellationToken.None);
        return report with { Took = Stopwatch.GetElapsedTime(started) };
    }

    /// <summary>One dry fault, from the monitor's report to its last webhook answered and every dry row written.</summary>
    private async Task<(TimeSpan Took, int Webhooks, string? Problem)> PassAsync(
        Stage stage, IWarmUpSouthbound southbound, (int Projects, int InstancesPerProject) shape, CancellationToken ct)
    {
        var dry = DryIncident.Create(stage.Sink.BaseAddress, clock.GetUtcNow(), shape.Projects, shape.InstancesPerProject);
        var (inspector, feed) = await InspectorAsync(stage, dry, ct);
        var (posted, signed, dead) = (stage.Sink.Received, stage.Sink.Signed, stage.Outcomes.Dead);

        var started = Stopwatch.GetTimestamp();
        var outcomes = await southbound.ReportAsync(dry.Host, inspector, ct);
        await stage.Dispatcher.WhenIdleAsync(ct);
        var took = Stopwatch.GetElapsedTime(started);
        await inspector.WhenFencedAsync();
        await stage.Outcomes.SettledAsync();
        // What the feed then reads of the fault, as it reads it: the fast lane's hand-overs are claimed, nothing routed twice.
        await feed.HandleAsync(stage.Store.Rehearsal!.TakeReadBack(), ct);

        var webhooks = dry.Alarms.Count;
        var notifications = dry.Notifications;
        var problem = outcomes is not [{ Verdict: "fence" } outcome] ? $"the dry fault's verdict was {string.Join(", ", outcomes.Select(o => o.Verdict))}, not fence"
            : outcome.Notifications != notifications ? $"the dry fault made {outcome.Notifications} notifications of {notifications}"
            : stage.Outcomes.Dead > dead ? $"{stage.Outcomes.Dead - dead} dry webhooks were given up (does the webhook target policy refuse 127.0.0.1?)"
            : stage.Sink.Received - posted != webhooks ? $"the sink answered {stage.Sink.Received - posted} dry webhooks of {webhooks}"
            : stage.Sink.Signed - signed != webhooks ? "the dry webhooks were not signed"
            : null;
        return (took, webhooks, problem);
    }

    /// <summary>The inspector and the fast lane behind it, new for the dry incident, every edge dry (see the class summary).</summary>
    private async Task<(FaultInspector Inspector, AlarmNotifier Feed)> InspectorAsync(Stage stage, DryIncident dry, CancellationToken ct)
    {
        var logs = stage.Logs;
        // The dry alarms exist in the warm-up's transaction, so that their move into `alarm` is stored as a real one's is.
        var alarmStore = new AlarmRepository(dataSource, logs.For<AlarmRepository>()).On(stage.Connection);
        foreach (var alarm in dry.Alarms)
        {
            await alarmStore.CreateAsync(alarm, ct);
            stage.Secrets.Remember(NotificationRouter.AlarmSubscriber(alarm.Id), WebhookSecrets.Generate());
        }
        var router = new NotificationRouter(
            AlarmDirectory.Holding(alarmStore, dry.Alarms),
            SubscriptionDirectory.Holding(new SubscriptionRepository(dataSource, logs.For<SubscriptionRepository>()), []),
            stage.Secrets,
            clock);
        var recovery = new DeliveryRecovery(stage.Deliveries, stage.Dispatcher, node, stage.Counters, logs.For<DeliveryRecovery>()).AsRecovered();
        var handoffs = new FastLaneHandoffs(clock);
        var shortcut = new NotificationShortcut(router, stage.Deliveries, recovery, stage.Dispatcher, handoffs, logs.For<NotificationShortcut>());
        var feed = new AlarmNotifier(router, stage.Deliveries, recovery, stage.Dispatcher, handoffs, logs.For<AlarmNotifier>());

        var map = new ResourceMap();
        map.Replace(dry.Hosts, dry.Instances, countDrift: false);
        var hosts = new PhysicalResourceBook(stage.Store, types);
        var book = new IncidentBook(dataSource, types, hosts, faultOptions).AsLoaded();
        var recorder = new IncidentRecorder(book, hosts, stage.Store, types, clock);
        var actions = new CloudActions(clock, logs.For<CloudActions>());
        var fencing = new HostFencing(stage.Cloud, actions, recorder, faultOptions, clock, logs.For<HostFencing>());
        var resources = new PhysicalResources(hosts, book, stage.Store, types, clock);
        var hostRecovery = new HostRecovery(book, hosts, resources, recorder, actions, shortcut, stage.Cloud, faultOptions, clock);
        var reconciliation = new HostReconciliation(book, hosts, resources, hostRecovery, stage.Cloud, clock, logs.For<HostReconciliation>());
        return (new FaultInspector(map, book, hosts, policies, new FailureWindow(), stage.Store, types, shortcut, recorder, fencing, hostRecovery,
            reconciliation, new FaultMetrics(stage.Meters, map, book), clock, logs.For<FaultInspector>()), feed);
    }

    /// <summary>
    /// The last dry fault's append (and an alarm move, of no alarm) once more on each of <see cref="PoolConnections"/>
    /// connections held at once: the pool hands its idle connections out oldest first, and a first fault whose append
    /// met a session that never ran it would prepare the statement and compile the server's function there and then.
    /// </summary>
    private async Task WarmConnectionsAsync(Stage stage, CancellationToken ct)
    {
        // A pool kept small on purpose is not filled by the warm-up: a quarter of it at most.
        var count = Math.Min(PoolConnections, Math.Max(1, new NpgsqlConnectionStringBuilder(dataSource.ConnectionString).MaxPoolSize / 4));
        var connections = new List<NpgsqlConnection>();
        try
        {
            for (var i = 0; i < count; i++)
                connections.Add(await dataSource.OpenConnectionAsync(ct));
            foreach (var connection in connections)
            {
                await stage.Store.Rehearsal!.ReplayOnAsync(connection, ct);
                await using var transaction = await connection.BeginTransactionAsync(ct);
                await new AlarmRepository(dataSource, stage.Logs.For<AlarmRepository>()).On(connection)
                    .UpdateStatusesAsync(new Dictionary<Guid, AlarmStatus> { [Guid.NewGuid()] = AlarmStatus.Initial(clock.GetUtcNow()) }, ct);
                await transaction.RollbackAsync(ct);
            }
        }
        finally
        {
            foreach (var connection in connections)
                await connection.DisposeAsync();
        }
    }

    /// <summary>Waits until the JIT has compiled nothing for <see cref="JitQuiet"/> (at most <see cref="JitQuietAtMost"/>).</summary>
    private static async Task JitQuietAsync(CancellationToken ct)
    {
        var until = Stopwatch.GetTimestamp() + (long)(JitQuietAtMost.TotalSeconds * Stopwatch.Frequency);
        var count = System.Runtime.JitInfo.GetCompiledMethodCount();
        var since = Stopwatch.GetTimestamp();
        while (Stopwatch.GetTimestamp() < until)
        {
            await Task.Delay(10, ct);
            var now = System.Runtime.JitInfo.GetCompiledMethodCount();
            if (now != count)
                (count, since) = (now, Stopwatch.GetTimestamp());
            else if (Stopwatch.GetElapsedTime(since) >= JitQuiet)
                return;
        }
    }

    /// <summary>What every pass shares: the sink, the transaction's connection, and the notifier's stateful parts (dispatcher, store, counters).</summary>
    private sealed class Stage : IAsyncDisposable
    {
        public Stage(NpgsqlDataSource dataSource, NpgsqlConnection connection, WarmUpSink sink, WarmUpLogs logs, WarmUpMeters meters,
            IOptions<NotifierOptions> notifierOptions, TimeProvider clock, NotifierNode node, IHttpMessageHandlerFactory handlers)
        {
            Connection = connection;
            Sink = sink;
            Logs = logs;
            Meters = meters;
            Store = PostgresEventStore.RollingBack(dataSource);
            Secrets = new WebhookSecrets(dataSource, notifierOptions);
            Deliveries = new DeliveryStore(dataSource, node, logs.For<DeliveryStore>(), connection);
            Outcomes = new WarmUpDeliveryLog(Deliveries);
            Dispatcher = new WebhookDispatcher(new SinkOnlyWebhookClients(handlers, sink.BaseAddress), notifierOptions, Counters, Outcomes, Outcomes,
                logs.For<WebhookDispatcher>(), clock);
        }

        public NpgsqlConnection Connection { get; }
        public WarmUpSink Sink { get; }
        public WarmUpLogs Logs { get; }
        public WarmUpMeters Meters { get; }
        public PostgresEventStore Store { get; }
        public WebhookSecrets Secrets { get; }
        public DeliveryStore Deliveries { get; }
        public WarmUpDeliveryLog Outcomes { get; }
        public NotifierCounters Counters { get; } = new();
        public WebhookDispatcher Dispatcher { get; }
        public DryCloud Cloud { get; } = new();

        public async ValueTask DisposeAsync()
        {
            // Drains stopped before the store's writers finish, and both before the transaction is rolled back.
            await Dispatcher.DisposeAsync();
            await Deliveries.DisposeAsync();
        }
    }
}
