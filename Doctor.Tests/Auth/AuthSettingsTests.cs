using System.Net;
using Doctor.AdminApi.Auth;
using Doctor.AdminApi.Hosting;
using Doctor.Tests.EventStore;
using Doctor.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Doctor.Tests.Auth;

/// <summary>Doctor:Auth settings: no admin token on a shared server refuses to start, Mode=none, protected /health and /metrics, the admin-token file.</summary>
public sealed class AuthSettingsTests
{
    private sealed class AuthOff : DoctorApiFactory
    {
        protected override void ConfigureDoctor(IWebHostBuilder builder) => builder.UseSetting("Doctor:Auth:Mode", "none");
    }

    private sealed class Guarded : DoctorApiFactory
    {
        protected override void ConfigureDoctor(IWebHostBuilder builder)
        {
            builder.UseSetting("Doctor:Auth:ProtectHealth", "true");
            builder.UseSetting("Doctor:Auth:ProtectMetrics", "true");
        }
    }

    [Fact]
    public void GivenConfiguredServerAndNoAdminToken_WhenValidated_ThenStartIsRefusedNamingTheSetting()
    {
        var validator = new AuthOptionsValidator(Options.Create(new DoctorOptions { Postgres = "Host=db.example;Database=doctor" }));

        var result = validator.Validate(null, new AuthOptions());

        Assert.True(result.Failed);
        Assert.Contains("Doctor:Auth:AdminToken: required when Doctor:Postgres names a server", result.FailureMessage);
        Assert.True(validator.Validate(null, new AuthOptions { Mode = "none" }).Succeeded);
        Assert.True(validator.Validate(null, new AuthOptions { AdminToken = TestTokens.Admin }).Succeeded);
        Assert.Contains("too short", validator.Validate(null, new AuthOptions { AdminToken = "short" }).FailureMessage);
        Assert.Contains("Doctor:Auth:Mode: 'open'", validator.Validate(null, new AuthOptions { Mode = "open", AdminToken = TestTokens.Admin }).FailureMessage);
        // The embedded default generates its own token.
        Assert.True(new AuthOptionsValidator(Options.Create(new DoctorOptions())).Validate(null, new AuthOptions()).Succeeded);
    }

    [Fact]
    public async Task GivenModeNone_WhenCalledWithoutToken_ThenTheCallerIsAdmin()
    {
        await using var api = new AuthOff();
        await api.InitializeAsync();
        try
        {
            using var client = api.CreateAnonymousClient();
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/maintenance")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/auth/tokens")).StatusCode);
        }
        finally
        {
            await api.DisposeAsync();
            await api.Database.DisposeAsync();
        }
    }

    [Fact]
    public async Task GivenProtectHealthAndMetrics_WhenCalledWithoutToken_Then401AndWithOne200()
    {
        await using var api = new Guarded();
        await api.InitializeAsync();
        try
        {
            using var anonymous = api.CreateAnonymousClient();
            using var admin = api.CreateClient();
            foreach (var path in new[] { "/health", "/metrics" })
            {
                await ProblemAssert.IsProblemAsync(await anonymous.GetAsync(path), HttpStatusCode.Unauthorized);
                Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(path)).StatusCode);
            }
        }
        finally
        {
            await api.DisposeAsync();
            await api.Database.DisposeAsync();
        }
    }

    [Fact]
    public void GivenEmbeddedDatabaseAndNoAdminToken_WhenStartedTwice_ThenTheTokenIsGeneratedOnceIntoA0600FileAndReused()
    {
        var root = Path.Combine(Path.GetTempPath(), "doctor-auth-" + Guid.NewGuid().ToString("N"));
        try
        {
            var doctor = Options.Create(new DoctorOptions { Embedded = { DataDirectory = Path.Combine(root, ".doctor", "pgdata") } });
            var auth = Options.Create(new AuthOptions());
            var firstLog = new ListLogger<AdminCredential>();
            var secondLog = new ListLogger<AdminCredential>();

            var first = new AdminCredential(auth, doctor, firstLog);
            var second = new AdminCredential(auth, doctor, secondLog);

            var path = Path.Combine(root, ".doctor", "admin-token");
            Assert.Equal(path, first.FilePath);
            var token = File.ReadAllText(path).Trim();
            Assert.True(token.Length >= 40);
            if (!OperatingSystem.IsWindows())
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            Assert.True(first.Matches(token) && second.Matches(token));
            Assert.False(second.Matches(token + "x"));
            Assert.Single(firstLog.Entries, e => e.Message.Contains(token));
            Assert.DoesNotContain(secondLog.Entries, e => e.Message.Contains(token));
        }
        finally
        {
            if (Directory.Exists(root))
                Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void GivenConfiguredAdminToken_ThenNoFileIsWritten()
    {
        var root = Path.Combine(Path.GetTempPath(), "doctor-auth-" + Guid.NewGuid().ToString("N"));
        var doctor = Options.Create(new DoctorOptions { Embedded = { DataDirectory = Path.Combine(root, "pgdata") } });

        var credential = new AdminCredential(Options.Create(new AuthOptions { AdminToken = TestTokens.Admin }), doctor, new ListLogger<AdminCredential>());

        Assert.True(credential.Matches(TestTokens.Admin));
        Assert.Null(credential.FilePath);
        Assert.False(Directory.Exists(root));
    }
}
