namespace Doctor.Workflows.Maintenance.Detail;

/// <summary>One run of an action plug-in on a host (<paramref name="Type"/> <c>pre</c>, <c>host</c> or <c>post</c>) and its outcome.</summary>
public sealed record HostActionDetail(string Host, string Plugin, string Type, bool Succeeded, string? FailureReason, DateTimeOffset At);
