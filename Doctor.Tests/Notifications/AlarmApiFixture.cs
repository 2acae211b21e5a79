namespace Doctor.Tests.Notifications;

/// <summary>One database and one running alarm API per test class. Tests share it, so each works with its own projects and names.</summary>
public sealed class AlarmApiFixture : IAsyncLifetime
{
    private readonly AlarmDatabase _database = new();
    private AlarmApiHost? _host;

    public AlarmApiHost Host => _host ?? throw new InvalidOperationException("not initialised");

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _host = await AlarmApiHost.StartAsync(_database.DataSource);
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
            await _host.DisposeAsync();
        await _database.DisposeAsync();
    }
}
