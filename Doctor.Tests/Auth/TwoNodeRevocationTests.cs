using System.Net;
using Doctor.Tests.Infrastructure;
using Doctor.Tests.Maintenance;

namespace Doctor.Tests.Auth;

/// <summary>Two nodes share the database: a token revoked on one is refused by the other at its very next request.</summary>
[Collection("maintenance-e2e")]
public sealed class TwoNodeRevocationTests : IAsyncLifetime
{
    private TestDatabase _db = null!;

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task GivenTwoNodes_WhenATokenIsRevokedOnOne_ThenTheOtherRefusesItAtOnce()
    {
        await using var nodeA = await DoctorServer.StartAsync(_db);
        await using var nodeB = await DoctorServer.StartAsync(_db);
        var (id, token) = await TestTokens.CreateProjectTokenAsync(nodeA.Client, "p-two-nodes");
        using var onB = new HttpClient { BaseAddress = new Uri(nodeB.BaseUrl) }.WithToken(token);
        Assert.Equal(HttpStatusCode.OK, (await onB.GetAsync("/v2/alarms")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await nodeA.Client.DeleteAsync($"/v1/auth/tokens/{id}")).StatusCode);

        await ProblemAssert.IsProblemAsync(await onB.GetAsync("/v2/alarms"), HttpStatusCode.Unauthorized, "not a valid token");
    }
}
