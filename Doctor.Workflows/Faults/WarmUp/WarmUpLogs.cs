using Microsoft.Extensions.Logging;

namespace Doctor.Workflows.Faults.WarmUp;

/// <summary>
/// The host's logging for the parts the warm-up runs, each under <c>Doctor.WarmUp.&lt;its own category&gt;</c>: a line
/// they write about the dry incident cannot be taken for one about a real fault, and
/// <c>Logging__LogLevel__Doctor.WarmUp</c> sets them apart.
/// </summary>
internal sealed class WarmUpLogs(ILoggerFactory host) : ILoggerFactory
{
    public const string CategoryPrefix = "Doctor.WarmUp";

    public ILogger<T> For<T>() => new Logger<T>(this);

    public ILogger CreateLogger(string categoryName) => host.CreateLogger($"{CategoryPrefix}.{categoryName}");

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException("the warm-up's logs go where the host's go");

    public void Dispose()
    {
        // The host's factory is the host's to dispose.
    }
}
