using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Doctor.Tests.Hosting;

public sealed class HostingApiTests(HostingApiFactory api) : IClassFixture<HostingApiFactory>
{
    [Fact]
    public async Task Health_WithDatabaseUp_Returns200WithDatabaseHealthy()
    {
        using var client = api.CreateClient();

        using var response = await client.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("healthy", body.RootElement.GetProperty("status").GetString());
        Assert.Equal("healthy", body.RootElement.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Metrics_AfterARequest_ExposeHttpCountDurationAndUptimeAsPrometheusText()
    {
        using var client = api.CreateClient();
        (await client.GetAsync("/health")).Dispose();

        using var response = await client.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(response.Content.Headers.ContentType!.Parameters, p => p.Name == "version" && p.Value == "0.0.4");
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("# TYPE doctor_http_server_requests_total counter\n", text);
        Assert.Matches(@"(?m)^doctor_http_server_requests_total\{method=""GET"",route=""/health"",status=""200""\} [1-9]\d*$", text);
        Assert.Contains("# TYPE doctor_http_server_request_duration_seconds histogram\n", text);
        Assert.Matches(@"(?m)^doctor_http_server_request_duration_seconds_bucket\{method=""GET"",route=""/health"",status=""200"",le=""\+Inf""\} [1-9]\d*$", text);
        Assert.Matches(@"(?m)^doctor_http_server_request_duration_seconds_count\{method=""GET"",route=""/health"",status=""200""\} [1-9]\d*$", text);
        Assert.Matches(@"(?m)^doctor_process_uptime_seconds \d+(\.\d+)?(E[-+]?\d+)?$", text);
    }

    [Fact]
    public async Task Metrics_ForUnknownPath_RecordTheRouteAsUnmatchedNotThePath()
    {
        using var client = api.CreateClient();
        (await client.GetAsync("/no/such/path/12345")).Dispose();

        var text = await client.GetStringAsync("/metrics");

        Assert.Contains("doctor_http_server_requests_total{method=\"GET\",route=\"unmatched\",status=\"404\"}", text);
        Assert.DoesNotContain("12345", text);
    }

    [Fact]
    public async Task OpenApi_Document_IsServedAsJson()
    {
        using var client = api.CreateClient();

        using var response = await client.GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.StartsWith("3.", body.RootElement.GetProperty("openapi").GetString());
        Assert.Equal(JsonValueKind.Object, body.RootElement.GetProperty("paths").ValueKind);
    }

    [Fact]
    public async Task Post_MalformedJson_Returns400ProblemSayingTheJsonIsMalformed()
    {
        using var client = api.CreateClient();

        using var response = await client.PostAsync("/test/echo", Json("""{"name": "a", "count": }"""));

        var problem = await AssertProblem(response, HttpStatusCode.BadRequest);
        Assert.StartsWith("count: malformed JSON", problem.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Post_WrongTypeForField_Returns400ProblemNamingTheField()
    {
        using var client = api.CreateClient();

        using var response = await client.PostAsync("/test/echo", Json("""{"name": "a", "count": "three"}"""));

        var problem = await AssertProblem(response, HttpStatusCode.BadRequest);
        Assert.Equal("count: not a valid integer", problem.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Post_WrongTypeInsideArray_Returns400ProblemNamingTheElement()
    {
        using var client = api.CreateClient();

        using var response = await client.PostAsync("/test/echo", Json("""{"name": "a", "count": 1, "hosts": ["h1", 7]}"""));

        var problem = await AssertProblem(response, HttpStatusCode.BadRequest);
        Assert.Equal("hosts[1]: not a valid string", problem.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Post_EmptyBody_Returns400Problem()
    {
        using var client = api.CreateClient();

        using var response = await client.PostAsync("/test/echo", Json(""));

        var problem = await AssertProblem(response, HttpStatusCode.BadRequest);
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
    }

    [Fact]
    public async Task Post_NonJsonContentType_Returns415Problem()
    {
        using var client = api.CreateClient();

        using var response = await client.PostAsync("/test/echo", new StringContent("name=a", Encoding.UTF8, "text/plain"));

        await AssertProblem(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Post_ValidJson_IsAnsweredByTheEndpoint()
    {
        using var client = api.CreateClient();

        using var response = await client.PostAsync("/test/echo", Json("""{"name": "a", "count": 3}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(3, body.RootElement.GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task Post_BodyOverLimitWithContentLength_Returns413Problem()
    {
        using var client = api.CreateClient();
        var oversized = $$"""{"name": "{{new string('x', HostingApiFactory.BodyLimit)}}", "count": 1}""";

        using var response = await client.PostAsync("/test/echo", Json(oversized));

        var problem = await AssertProblem(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains($"{HostingApiFactory.BodyLimit} bytes", problem.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Post_ChunkedBodyOverLimit_Returns413Problem()
    {
        using var client = api.CreateClient();
        var oversized = Encoding.UTF8.GetBytes($$"""{"name": "{{new string('x', 4 * HostingApiFactory.BodyLimit)}}", "count": 1}""");
        // A stream of unknown length is sent without Content-Length, so only reading it reveals the size.
        using var content = new StreamContent(new UnknownLengthStream(oversized));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var response = await client.PostAsync("/test/echo", content);

        await AssertProblem(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Get_UnknownRoute_Returns404ProblemNamingThePath()
    {
        using var client = api.CreateClient();

        using var response = await client.GetAsync("/v1/nothing-here");

        var problem = await AssertProblem(response, HttpStatusCode.NotFound);
        Assert.Equal("GET /v1/nothing-here: no such resource", problem.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Delete_OnGetOnlyRoute_Returns405Problem()
    {
        using var client = api.CreateClient();

        using var response = await client.DeleteAsync("/metrics");

        var problem = await AssertProblem(response, HttpStatusCode.MethodNotAllowed);
        Assert.Equal("DELETE /metrics: method not allowed", problem.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Get_EndpointThatThrows_Returns500ProblemWithoutExceptionDetails()
    {
        using var client = api.CreateClient();

        using var response = await client.GetAsync("/test/throw");

        var problem = await AssertProblem(response, HttpStatusCode.InternalServerError);
        var text = problem.GetRawText();
        Assert.DoesNotContain("secret internal detail", text);
        Assert.DoesNotContain("InvalidOperationException", text);
        Assert.DoesNotContain(" at ", text);
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<JsonElement> AssertProblem(HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal((int)expected, body.RootElement.GetProperty("status").GetInt32());
        return body.RootElement.Clone();
    }

    private sealed class UnknownLengthStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
