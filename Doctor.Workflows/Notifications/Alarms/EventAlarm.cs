namespace Doctor.Workflows.Notifications.Alarms;

/// <summary>
/// An Aodh event alarm (<c>type: event</c>): fires when a notification of <see cref="EventType"/> meets every
/// <see cref="Query"/> condition, by POSTing to each of <see cref="AlarmActions"/>.
/// <see cref="ProjectId"/> is the owner; null means an admin alarm, which sees every notification.
/// </summary>
public sealed record EventAlarm
{
    public required Guid Id { get; init; }
    public required string Name { get; init; }
    public required string? ProjectId { get; init; }
    public string? UserId { get; init; }
    public required EventTypePattern EventType { get; init; }
    public IReadOnlyList<AlarmQuery> Query { get; init; } = [];
    public required IReadOnlyList<Uri> AlarmActions { get; init; }

    /// <summary>Kept and echoed for Aodh clients; an event alarm never enters <c>ok</c> or <c>insufficient data</c>, so they never fire.</summary>
    public IReadOnlyList<Uri> OkActions { get; init; } = [];

    /// <inheritdoc cref="OkActions"/>
    public IReadOnlyList<Uri> InsufficientDataActions { get; init; } = [];

    /// <summary>false: fire only on the transition into <c>alarm</c> (the first match); true: fire on every match.</summary>
    public bool RepeatActions { get; init; }

    public string Severity { get; init; } = AlarmSeverities.Low;
    public bool Enabled { get; init; } = true;
    public required string Description { get; init; }
    public required AlarmStatus Status { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the definition last changed (<c>PUT /v2/alarms/{id}</c>); null while it never has.</summary>
    public DateTimeOffset? UpdatedAt { get; init; }

    /// <summary>Aodh's <c>timestamp</c>: the last change of the definition, its creation until it is first changed.</summary>
    public DateTimeOffset Timestamp => UpdatedAt ?? CreatedAt;

    /// <summary>Aodh's description when the client gives none.</summary>
    public static string DefaultDescription(string eventType) => $"Alarm when {eventType} event occurred.";
}
