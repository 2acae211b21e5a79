using System.Net;
using Doctor.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;

namespace Doctor.Tests.Auth;

/// <summary>Per-token rate limits: past the burst a caller gets 429 problem+json with Retry-After; other callers are not affected.</summary>
public sealed class RateLimitTests(RateLimitTests.Factory api) : IClassFixture<RateLimitTests.Factory>
{
    public sealed class Factory : DoctorApiFactory
    {
        public const int Burst = 5;

        protected override void ConfigureDoctor(IWebHostBuilder builder)
        {
            // One permit a second refills far slower than the test spends its burst, even on a loaded machine.
            builder.UseSetting("Doctor:Auth:RateLimit:PermitsPerSecond", "1");
            builder.UseSetting("Doctor:Auth:RateLimit:Burst", Burst.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public async Task GivenAProjectOverItsBurst_WhenItCallsAgain_Then429WithRetryAfter_AndAnotherTokenIsStillServed()
    {
        using var noisy = await api.CreateProjectClientAsync("noisy");
        using var quiet = await api.CreateProjectClientAsync("quiet");

        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < Factory.Burst * 3; i++)
            answers.Add(await noisy.GetAsync("/v2/alarms"));

        var refused = answers.First(a => a.StatusCode == HttpStatusCode.TooManyRequests);
        await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.TooManyRequests, "too many requests");
        Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.ToString());
        Assert.Equal(HttpStatusCode.OK, (await quiet.GetAsync("/v2/alarms")).StatusCode);
    }
}
