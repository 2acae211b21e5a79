namespace Doctor.Workflows.Notifications.Bus;

/// <summary>The broker cannot take notifications now; thrown to fail the feed batch so the runner retries it with backoff.</summary>
public sealed class BusUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
