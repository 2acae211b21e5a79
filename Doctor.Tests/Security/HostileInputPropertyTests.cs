using Doctor.Tests.Auth;
using FsCheck;
using FsCheck.Fluent;

namespace Doctor.Tests.Security;

/// <summary>
/// An FsCheck property over every JSON endpoint: random bodies shaped like requests (their field names, odd values,
/// random UTF-16) never make a 500, and every refusal is problem+json. A fixture of its own: random bodies may well
/// reseed the simulated cloud.
/// </summary>
public sealed class HostileInputPropertyTests(HostileInputTests.Factory api) : IClassFixture<HostileInputTests.Factory>
{
    [Fact]
    public async Task GivenRandomBodiesShapedLikeRequests_WhenSentToAnyJsonEndpoint_ThenNever500AndRefusalsAreProblemJson()
    {
        using var admin = api.CreateClient();
        var sid = await WaitingSession.OpenAsync(admin);
        var endpoints = HostileInputTests.JsonEndpoints(api.Services);
        var cases = Gen.Zip(Gen.Choose(0, endpoints.Count - 1), RandomJson.Body()).ToArbitrary();

        var property = Prop.ForAll(cases, pick =>
        {
            var (method, endpoint) = endpoints[pick.Item1];
            var path = HostileInputTests.Path(endpoint, sid);
            var response = admin.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = HostileBodies.Content(pick.Item2) }).GetAwaiter().GetResult();
            var status = (int)response.StatusCode;
            var problemJson = response.Content.Headers.ContentType?.MediaType == "application/problem+json";
            return Prop.Label(status < 500 && (status < 400 || problemJson), $"{method} {path} answered {status} ({response.Content.Headers.ContentType}) to {pick.Item2}");
        });

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(400), property);
    }

}
