using System.Collections.Concurrent;
using Doctor.Domain.Faults;
using Doctor.Domain.Hosts;
using Doctor.Workflows.EventStore;
using Doctor.Workflows.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Doctor.Workflows.Faults;

/// <summary>
/// Fences a failed host once its incident is durable and its notifications handed over (DESIGN.md §8): force-down,
/// its instances to ERROR (<see cref="FaultOptions.ActionParallelism"/> at once) and its ports DOWN, all at the same time.
/// When everything is done the stage times are appended to the incident, and the confirmed force-down to the host
/// (what lets reconciliation tell a host that came back from one not fenced yet).
/// </summary>
public sealed class HostFencing(IInfrastructure infrastructure, CloudActions actions, IncidentRecorder recorder, IOptions<FaultOptions> options,
    TimeProvider clock, ILogger<HostFencing> logger)
{
    private readonly ConcurrentDictionary<Task, byte> _running = new();

    /// <summary>Completes when every fencing started so far has finished and recorded its stages (tests, benchmarks).</summary>
    public Task WhenFencedAsync() => Task.WhenAll(_running.Keys);

    /// <summary>Starts fencing the incident's host now, off the caller's path.</summary>
    public Task<List<FaultCommand>> Start(FencingOrder order) => Task.Run(() => FenceAsync(order, CancellationToken.None), CancellationToken.None);

    /// <summary>Records, incident after incident, what their fencing did, once each is done.</summary>
    public void RecordWhenDone(IReadOnlyList<(FencingOrder Order, Task<List<FaultCommand>> Done)> fencing, EventMetadata metadata)
    {
        var task = RecordAsync(fencing, metadata);
        _running.TryAdd(task, 0);
        _ = task.ContinueWith(t => _running.TryRemove(t, out _), TaskScheduler.Default);
    }

    private async Task<List<FaultCommand>> FenceAsync(FencingOrder order, CancellationToken ct)
    {
        var host = order.Host;
        var results = new ConcurrentBag<FaultCommand>();
        var failures = new List<FaultCommand>();
        var tasks = new List<Task>();
        if (order.State.Affects == FaultTargets.Host)
        {
            tasks.Add(Task.Run(async () =>
            {
                if (await actions.AttemptAsync("force-down", host, () => infrastructure.SetForcedDownAsync(host, true, ct), failures))
                    results.Add(new RecordHostMarked(host, clock.GetUtcNow()));
            }, CancellationToken.None));
            tasks.Add(Task.Run(() => MarkInstancesAsync(order.State.Instances, results, failures, ct), CancellationToken.None));
        }
        tasks.Add(Task.Run(async () =>
        {
            if (await actions.AttemptAsync("ports down", host, () => infrastructure.SetPortsDataPlaneStatusAsync(host, "DOWN", ct), failures))
                results.Add(new RecordPortsMarked(host, clock.GetUtcNow()));
        }, CancellationToken.None));
        await Task.WhenAll(tasks);
        lock (failures)
            return [.. results, .. failures];
    }

    private async Task MarkInstancesAsync(IReadOnlyList<AffectedInstance> instances, ConcurrentBag<FaultCommand> results, List<FaultCommand> failures, CancellationToken ct)
    {
        var failed = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(instances, new ParallelOptions { MaxDegreeOfParallelism = options.Value.ActionParallelism, CancellationToken = ct },
            async (instance, token) =>
            {
                if (!await actions.AttemptAsync("reset-state ERROR", instance.InstanceId,
                        () => infrastructure.ResetInstanceStateAsync(instance.InstanceId, "ERROR", token), failures))
                    failed.Add(instance.InstanceId);
            });
        results.Add(new RecordInstancesMarked(instances.Count - failed.Count, [.. failed.Order(StringComparer.Ordinal)], clock.GetUtcNow()));
    }

    private async Task RecordAsync(IReadOnlyList<(FencingOrder Order, Task<List<FaultCommand>> Done)> fencing, EventMetadata metadata)
    {
        foreach (var (order, running) in fencing)
        {
            try
            {
                var done = await running;
                List<FaultCommand> commands = [new RecordHandover(order.Notified, order.AppendedAt, order.HandedOverAt), .. done.OrderBy(c => c.At)];
                var forcedDown = done.OfType<RecordHostMarked>().FirstOrDefault();
                await recorder.ExecuteAsync(order.IncidentId, commands, null, metadata, CancellationToken.None,
                    forcedDown is null ? null : new ConfirmForcedDown(order.Host, order.IncidentId, forcedDown.MarkedAt));
            }
            catch (Exception e)
            {
                logger.LogError(e, "Incident {IncidentId}: recording the fencing stages failed", order.IncidentId);
            }
        }
    }
}
