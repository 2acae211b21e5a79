namespace Doctor.Workflows.Maintenance;

/// <summary>
/// The base URL clients reach this service on: put into reply_url and instance_ids links. Either the
/// <c>Doctor:Maintenance:PublicBaseUrl</c> setting (behind a proxy or load balancer), or, when that is empty, the first
/// HTTP address the service really listens on, known only once the server has started: no link is built before it is
/// known (a link to a port nothing listens on is a VNFM that can never answer).
/// </summary>
public sealed class PublicBaseUrl
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly TaskCompletionSource<string> _known = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile string? _value;

    /// <param name="configured">The setting; null or blank: derived from the listen address (<see cref="ResolveFromListenAddress"/>).</param>
    public PublicBaseUrl(string? configured)
    {
        IsConfigured = !string.IsNullOrWhiteSpace(configured);
        if (IsConfigured)
            Value = configured!;
    }

    /// <summary>True when the setting names it; false when it follows the listen address.</summary>
    public bool IsConfigured { get; }

    /// <summary>The base URL once known (<see cref="WhenKnownAsync"/> waits for it); setting it resolves it at once.</summary>
    public string Value
    {
        get => _value ?? throw new InvalidOperationException("the public base URL is not known until the server listens: await WhenKnownAsync");
        set
        {
            var trimmed = value.Trim().TrimEnd('/');
            _value = trimmed;
            _known.TrySetResult(trimmed);
        }
    }

    /// <summary>Waits until the base URL is known (the server has started); fails after a minute rather than never.</summary>
    public Task<string> WhenKnownAsync(CancellationToken ct) => _value is { } known ? Task.FromResult(known) : _known.Task.WaitAsync(Patience, ct);

    /// <summary>The address the server listens on; ignored when the setting names the base URL. Returns whether it was taken.</summary>
    public bool ResolveFromListenAddress(string url)
    {
        if (IsConfigured)
            return false;
        Value = url;
        return true;
    }

    public override string ToString() => _value ?? "(not known yet)";
}
