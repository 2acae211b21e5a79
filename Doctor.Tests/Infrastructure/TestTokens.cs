using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Doctor.Tests.Infrastructure;

/// <summary>The admin token every test host is configured with, and project tokens made through the real API.</summary>
public static class TestTokens
{
    public const string Admin = "test-admin-token-not-a-secret";
    public const string Header = "X-Auth-Token";

    /// <summary>Creates a project token with <paramref name="admin"/> (an admin client) and returns its id and secret.</summary>
    public static async Task<(string Id, string Token)> CreateProjectTokenAsync(HttpClient admin, string projectId, string name = "test")
    {
        var response = await admin.PostAsJsonAsync("/v1/auth/tokens", new { role = "project", project_id = projectId, name });
        response.EnsureSuccessStatusCode();
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        return (body["id"]!.GetValue<string>(), body["token"]!.GetValue<string>());
    }

    /// <summary>Sets <paramref name="client"/> to speak with <paramref name="token"/> (none when null).</summary>
    public static HttpClient WithToken(this HttpClient client, string? token)
    {
        client.DefaultRequestHeaders.Remove(Header);
        if (token is not null)
            client.DefaultRequestHeaders.Add(Header, token);
        return client;
    }
}
