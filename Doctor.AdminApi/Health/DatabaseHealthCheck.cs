using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Doctor.AdminApi.Health;

/// <summary>The database answers a trivial query within a short time.</summary>
internal sealed class DatabaseHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
{
    // Short, so a hung server shows as unhealthy while the prober still waits for our answer.
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Timeout);
        try
        {
            await using var command = dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(deadline.Token);
            return HealthCheckResult.Healthy("SELECT 1 answered");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"no answer to SELECT 1 within {Timeout.TotalSeconds:0} s");
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"unreachable: {e.Message}");
        }
    }
}
