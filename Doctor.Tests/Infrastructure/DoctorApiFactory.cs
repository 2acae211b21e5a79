using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Doctor.Tests.Infrastructure;

/// <summary>
/// The whole service in process (ASP.NET test server) on a fresh <see cref="TestDatabase"/> of its own.
/// Use as a class fixture: <c>public class MyApiTests(DoctorApiFactory api) : IClassFixture&lt;DoctorApiFactory&gt;</c>,
/// then <c>api.CreateClient()</c> (it speaks as the admin, <see cref="TestTokens.Admin"/>; <see cref="CreateProjectClientAsync"/>
/// makes a project's client, <see cref="CreateAnonymousClient"/> one without a token). Subclass and override <see cref="ConfigureDoctor"/> for other settings
/// (<c>builder.UseSetting("Doctor:...", "...")</c>) or extra services (<c>builder.ConfigureServices(...)</c>).
/// </summary>
public class DoctorApiFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    private TestDatabase? _database;

    /// <summary>The database the service runs on, for arranging and asserting with SQL.</summary>
    public TestDatabase Database =>
        _database ?? throw new InvalidOperationException("DoctorApiFactory is not initialised: use it as an xunit fixture, or call InitializeAsync first.");

    public virtual async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    protected sealed override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Doctor:Postgres", Database.ConnectionString);
        builder.UseSetting("Doctor:Auth:AdminToken", TestTokens.Admin);
        // Test output stays readable; warnings and errors still show.
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        ConfigureDoctor(builder);
    }

    /// <summary>Every client speaks as the admin unless told otherwise.</summary>
    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        client.WithToken(TestTokens.Admin);
    }

    /// <summary>A client with no token at all.</summary>
    public HttpClient CreateAnonymousClient() => CreateClient().WithToken(null);

    /// <summary>A client with a fresh project token for <paramref name="projectId"/>, created through <c>POST /v1/auth/tokens</c>.</summary>
    public async Task<HttpClient> CreateProjectClientAsync(string projectId, string name = "test")
    {
        using var admin = CreateClient();
        var (_, token) = await TestTokens.CreateProjectTokenAsync(admin, projectId, name);
        return CreateClient().WithToken(token);
    }

    /// <summary>Extra settings or services for a subclass; runs after the database is configured.</summary>
    protected virtual void ConfigureDoctor(IWebHostBuilder builder)
    {
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
