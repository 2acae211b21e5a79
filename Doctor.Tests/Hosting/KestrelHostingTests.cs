using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Doctor.Tests.Hosting;

/// <summary>What the test server cannot show: the same answers over a real socket, through Kestrel's own body handling.</summary>
public sealed class KestrelHostingTests(KestrelApiFactory api) : IClassFixture<KestrelApiFactory>
{
    [Fact]
    public async Task Post_ChunkedBodyOverLimitThroughKestrel_Returns413Problem()
    {
        using var client = api.CreateClient();
        var oversized = Encoding.UTF8.GetBytes($$"""{"name": "{{new string('x', 64 * HostingApiFactory.BodyLimit)}}", "count": 1}""");
        using var content = new StreamContent(new UnknownLengthStream(oversized));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/test/echo") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Post_WrongTypeThroughKestrel_Returns400ProblemNamingTheField()
    {
        using var client = api.CreateClient();

        using var response = await client.PostAsync("/test/echo", new StringContent("""{"name": 5, "count": 1}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("name: not a valid string", body.RootElement.GetProperty("title").GetString());
    }

    private sealed class UnknownLengthStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
