using Npgsql;

namespace Doctor.Workflows.Maintenance.Engine;

/// <summary>A session's lease held by this node (see <see cref="SessionLeases"/>); disposing it lets the session go.</summary>
public sealed class SessionLease : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly string _sessionId;

    internal SessionLease(NpgsqlConnection connection, string sessionId)
    {
        _connection = connection;
        _sessionId = sessionId;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await SessionLeases.ReleaseAsync(_connection, _sessionId);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            // The connection broke: the server has dropped the lock with it.
        }
        finally
        {
            await _connection.DisposeAsync();
        }
    }
}
