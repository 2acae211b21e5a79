namespace Doctor.AdminApi.Auth;

/// <summary>Resolves the admin credential at start, after the options are validated: an embedded service generates and announces its token then, not on the first request.</summary>
internal sealed class AdminCredentialStartup(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        services.GetRequiredService<AdminCredential>();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
