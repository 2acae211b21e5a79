namespace Doctor.Workflows.Maintenance.HostActions;

/// <summary>One plug-in run: which session, host and phase (<c>pre</c>, <c>host</c>, <c>post</c>), with the plug-in's metadata from the session.</summary>
public sealed record HostActionRequest(string SessionId, string Host, string Type, string Plugin, string MetadataJson);
