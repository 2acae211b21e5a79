using System.Net;
using System.Text.Json.Nodes;

namespace Doctor.Tests.Auth;

/// <summary>An answer is problem+json with the status and a title saying what is wrong.</summary>
public static class ProblemAssert
{
    public static async Task<string> IsProblemAsync(HttpResponseMessage response, HttpStatusCode status, string? titleContains = null)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var title = JsonNode.Parse(text)!["title"]!.GetValue<string>();
        if (titleContains is not null)
            Assert.Contains(titleContains, title);
        return title;
    }
}
