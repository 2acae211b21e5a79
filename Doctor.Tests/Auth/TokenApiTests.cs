using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Doctor.Tests.Infrastructure;

namespace Doctor.Tests.Auth;

/// <summary>Who gets in: tokens in either header, 401 problem+json without one, tokens created, listed without secrets and revoked.</summary>
public sealed class TokenApiTests(SecuredApiFactory api) : IClassFixture<SecuredApiFactory>
{
    [Theory]
    [InlineData("GET", "/v1/maintenance")]
    [InlineData("GET", "/v2/alarms")]
    [InlineData("GET", "/v1/instance/x")]
    [InlineData("GET", "/v1/infra/hosts")]
    [InlineData("GET", "/v1/auth/tokens")]
    [InlineData("PUT", "/v1/maintenance/6a4a0f8e-0000-0000-0000-000000000000/doctor-test")]
    [InlineData("GET", "/v1/no-such-route")]
    public async Task GivenNoToken_WhenCalled_ThenProblem401(string method, string path)
    {
        using var client = api.CreateAnonymousClient();

        var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonContent.Create(new { }) });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "X-Auth-Token: a token is required");
        Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task GivenUnknownToken_WhenCalled_ThenProblem401SayingNotValid()
    {
        using var client = api.CreateAnonymousClient().WithToken("dr_not-a-token-anybody-issued");

        var response = await client.GetAsync("/v1/maintenance");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "not a valid token");
    }

    [Fact]
    public async Task GivenAdminTokenAsBearer_WhenCalled_ThenAccepted()
    {
        using var client = api.CreateAnonymousClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.Admin);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/maintenance")).StatusCode);
    }

    [Theory]
    [InlineData("/health")]
    [InlineData("/metrics")]
    [InlineData("/openapi/v1.json")]
    public async Task GivenNoToken_WhenOpenEndpointCalled_ThenAnswered(string path)
    {
        using var client = api.CreateAnonymousClient();

        var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task GivenAdmin_WhenTokenCreated_ThenSecretShownOnceListedWithoutItAndItWorks()
    {
        using var admin = api.CreateClient();

        var created = await admin.PostAsJsonAsync("/v1/auth/tokens", new { role = "project", project_id = "p-list", name = "vnfm-a" });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = (await created.Content.ReadFromJsonAsync<JsonObject>())!;
        var secret = body["token"]!.GetValue<string>();
        Assert.True(secret.Length >= 40, secret);
        Assert.Equal("p-list", body["project_id"]!.GetValue<string>());
        var listed = await admin.GetStringAsync("/v1/auth/tokens");
        Assert.Contains(body["id"]!.GetValue<string>(), listed);
        Assert.DoesNotContain(secret, listed);
        await using var stored = api.Database.DataSource.CreateCommand("SELECT count(*) FROM doctor.access_tokens WHERE encode(token_hash, 'escape') LIKE '%' || $1 || '%'");
        stored.Parameters.AddWithValue(secret);
        Assert.Equal(0L, await stored.ExecuteScalarAsync());
        using var project = api.CreateAnonymousClient().WithToken(secret);
        Assert.Equal(HttpStatusCode.OK, (await project.GetAsync("/v2/alarms")).StatusCode);
    }

    [Fact]
    public async Task GivenProjectToken_WhenRevoked_ThenTheNextRequestIs401()
    {
        using var admin = api.CreateClient();
        var (id, secret) = await TestTokens.CreateProjectTokenAsync(admin, "p-revoke");
        using var project = api.CreateAnonymousClient().WithToken(secret);
        Assert.Equal(HttpStatusCode.OK, (await project.GetAsync("/v2/alarms")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/v1/auth/tokens/{id}")).StatusCode);

        await ProblemAssert.IsProblemAsync(await project.GetAsync("/v2/alarms"), HttpStatusCode.Unauthorized, "not a valid token");
        await ProblemAssert.IsProblemAsync(await admin.DeleteAsync($"/v1/auth/tokens/{id}"), HttpStatusCode.NotFound, "id: no live token");
        var listed = (await admin.GetFromJsonAsync<JsonArray>("/v1/auth/tokens"))!;
        Assert.NotNull(listed.Single(t => t!["id"]!.GetValue<string>() == id)!["revoked_at"]);
    }

    [Theory]
    [InlineData("""{"role":"project","name":"x"}""", "project_id: required")]
    [InlineData("""{"role":"project","project_id":"p"}""", "name: required")]
    [InlineData("""{"role":"root","project_id":"p","name":"x"}""", "role: 'root' is not project or admin")]
    [InlineData("""{"role":"admin","project_id":"p","name":"x"}""", "project_id: an admin token belongs to no project")]
    [InlineData("""{"role":"project","project_id":"a/b","name":"x"}""", "project_id: must not contain '/'")]
    [InlineData("""{"role":"project","project_id":"p","name":"\u0007"}""", "name: must not contain control characters")]
    [InlineData("""{"role":"project","project_id":5,"name":"x"}""", "project_id: not a valid string")]
    [InlineData("""{"role":""", "malformed JSON")]
    public async Task GivenBadTokenRequest_WhenPosted_ThenProblem400AndNothingStored(string body, string expected)
    {
        using var admin = api.CreateClient();
        var before = (await admin.GetFromJsonAsync<JsonArray>("/v1/auth/tokens"))!.Count;

        var response = await admin.PostAsync("/v1/auth/tokens", new StringContent(body, Encoding.UTF8, "application/json"));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, expected);
        Assert.Equal(before, (await admin.GetFromJsonAsync<JsonArray>("/v1/auth/tokens"))!.Count);
    }
}
