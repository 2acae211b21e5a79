using System.Collections.Immutable;

namespace Doctor.Workflows.Notifications.Subscriptions;

/// <summary>
/// Every northbound subscription in memory, so matching a notification never touches the database; written through to
/// <see cref="SubscriptionRepository"/> first. Readers see an immutable snapshot. Other nodes' changes are seen after <see cref="RefreshAsync"/> (the notifier calls it before routing).
/// </summary>
public sealed class SubscriptionDirectory(SubscriptionRepository repository)
{
    private readonly SemaphoreSlim _writer = new(1, 1);
    private volatile ImmutableList<NorthboundSubscription>? _all;

    // Set by Holding: the directory never reads the repository, not even when asked to refresh.
    private bool _holding;

    /// <summary>A directory that holds <paramref name="subscriptions"/> and never loads the repository's (the start-up warm-up's).</summary>
    internal static SubscriptionDirectory Holding(SubscriptionRepository repository, IEnumerable<NorthboundSubscription> subscriptions) =>
        new(repository) { _all = [.. subscriptions], _holding = true };

    public async Task EnsureLoadedAsync(CancellationToken ct = default)
    {
        if (_all is not null)
            return;
        await _writer.WaitAsync(ct);
        try
        {
            _all ??= [.. await repository.ListAllAsync(ct)];
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>Reloads every subscription from the database (made on other nodes too), in turn with local writes.</summary>
    public async Task RefreshAsync(CancellationToken ct = default)
    {
        if (_holding)
            return;
        await _writer.WaitAsync(ct);
        try
        {
            _all = [.. await repository.ListAllAsync(ct)];
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>All subscriptions, oldest first.</summary>
    public IReadOnlyList<NorthboundSubscription> All => _all ?? throw new InvalidOperationException("the subscription directory is not loaded yet");

    public NorthboundSubscription? Find(Guid id) => All.FirstOrDefault(s => s.Id == id);

    public async Task CreateAsync(NorthboundSubscription subscription, CancellationToken ct = default)
    {
        await EnsureLoadedAsync(ct);
        await _writer.WaitAsync(ct);
        try
        {
            await repository.CreateAsync(subscription, ct);
            _all = _all!.Add(subscription);
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>False when there was no such subscription.</summary>
    public async Task<bool> DeleteAsync(Guid id, CancellationToken ct = default)
    {
        await EnsureLoadedAsync(ct);
        await _writer.WaitAsync(ct);
        try
        {
            var deleted = await repository.DeleteAsync(id, ct);
            _all = _all!.RemoveAll(s => s.Id == id);
            return deleted;
        }
        finally
        {
            _writer.Release();
        }
    }
}
