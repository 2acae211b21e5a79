using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Doctor.Tests.Auth;
using Doctor.Tests.Infrastructure;
using Doctor.Workflows.Notifications.Delivery;
using Doctor.Workflows.Notifications.Targets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Doctor.Tests.Notifications;

/// <summary>Webhook targets: http(s) only, link-local and cloud metadata refused, allow/deny networks, checked at creation and at connect.</summary>
public sealed class WebhookTargetTests(SecuredApiFactory api) : IClassFixture<SecuredApiFactory>
{
    private static WebhookTargetPolicy Policy(string[]? allow = null, string[]? deny = null, bool denyLinkLocal = true) =>
        new(Options.Create(new WebhookTargetOptions { Allow = allow ?? [], Deny = deny ?? [], DenyLinkLocal = denyLinkLocal }));

    [Theory]
    [InlineData("169.254.169.254")]
    [InlineData("169.254.1.1")]
    [InlineData("fe80::1")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("fd00:ec2::254")]
    public void GivenDefaults_WhenLinkLocalOrMetadata_ThenRefused(string address) =>
        Assert.NotNull(Policy().Refusal(IPAddress.Parse(address)));

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("10.1.2.3")]
    [InlineData("2001:db8::1")]
    public void GivenDefaults_WhenLoopbackOrOrdinary_ThenAllowed(string address) =>
        Assert.Null(Policy().Refusal(IPAddress.Parse(address)));

    [Fact]
    public void GivenAllowAndDenyLists_ThenOnlyAllowedNetworksOutsideDeniedOnesPass()
    {
        var policy = Policy(allow: ["10.0.0.0/8", "127.0.0.0/8"], deny: ["10.9.0.0/16"]);

        Assert.Null(policy.Refusal(IPAddress.Parse("10.1.0.1")));
        Assert.Null(policy.Refusal(IPAddress.Parse("127.0.0.1")));
        Assert.Contains("denied network 10.9.0.0/16", policy.Refusal(IPAddress.Parse("10.9.0.1")));
        Assert.Contains("not in an allowed network", policy.Refusal(IPAddress.Parse("192.0.2.1")));
        Assert.Null(Policy(denyLinkLocal: false).Refusal(IPAddress.Parse("169.254.169.254")));
    }

    [Theory]
    [InlineData("ftp://127.0.0.1/x", "only http and https")]
    [InlineData("file:///etc/passwd", "only http and https")]
    [InlineData("http://169.254.169.254/latest/meta-data", "169.254.169.254 may not receive webhooks")]
    [InlineData("http://[fe80::1]:8080/", "may not receive webhooks")]
    [InlineData("http://user:pw@127.0.0.1/", "credentials in the URL")]
    public async Task GivenForbiddenUrl_WhenChecked_ThenTheTitleNamesTheField(string url, string expected)
    {
        var refusal = await Policy().CheckAsync(new Uri(url), "endpoints[2]", CancellationToken.None);

        Assert.NotNull(refusal);
        Assert.StartsWith("endpoints[2]: ", refusal);
        Assert.Contains(expected, refusal);
    }

    [Fact]
    public async Task GivenLoopbackDenied_WhenAHostNameResolvesToLoopback_ThenRefusedAtCreation() =>
        Assert.Contains("may not receive webhooks", await Policy(deny: ["127.0.0.0/8", "::1/128"]).CheckAsync(new Uri("http://localhost:9/x"), "f", CancellationToken.None));

    [Theory]
    [InlineData("alarm_actions", "http://169.254.169.254/latest/meta-data/iam")]
    [InlineData("ok_actions", "http://[fe80::a9fe:a9fe]/")]
    public async Task GivenAlarmWithMetadataTarget_WhenCreated_ThenProblem400NamingTheFieldAndNothingStored(string member, string url)
    {
        using var admin = api.CreateClient();
        var before = (await admin.GetFromJsonAsync<JsonArray>("/v2/alarms"))!.Count;
        var alarm = new JsonObject
        {
            ["name"] = "ssrf", ["type"] = "event",
            ["event_rule"] = new JsonObject { ["event_type"] = "*" },
            ["alarm_actions"] = new JsonArray("http://127.0.0.1:9/fine"),
        };
        alarm[member] = member == "alarm_actions" ? new JsonArray("http://127.0.0.1:9/fine", url) : new JsonArray(url);

        var response = await admin.PostAsJsonAsync("/v2/alarms", alarm);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, member == "alarm_actions" ? "alarm_actions[1]: " : "ok_actions[0]: ");
        Assert.Equal(before, (await admin.GetFromJsonAsync<JsonArray>("/v2/alarms"))!.Count);
    }

    [Fact]
    public async Task GivenTargetDeniedAtConnect_WhenPosted_ThenNothingIsSentAndTheRefusalIsNotARetriableHttpError()
    {
        await using var listener = await WebhookListener.StartAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            // The listener is on loopback; deny it, as an operator would deny the control-plane network.
            ["Doctor:WebhookTargets:Deny:0"] = "127.0.0.0/8",
            ["Doctor:WebhookTargets:Deny:1"] = "::1/128",
        }).Build();
        await using var services = new ServiceCollection().AddLogging().AddWebhookDelivery(configuration).BuildServiceProvider();
        var client = services.GetRequiredService<IHttpClientFactory>().CreateClient(WebhookDispatcher.HttpClientName);

        foreach (var target in new[] { listener.Url("/hook"), new Uri($"http://localhost:{listener.BaseAddress.Port.ToString(CultureInfo.InvariantCulture)}/hook") })
        {
            // The dispatcher retries HttpRequestException and timeouts only; this is neither, so it is dead at the first attempt.
            var refused = await Assert.ThrowsAsync<WebhookTargetRefusedException>(() => client.PostAsync(target, new StringContent("{}")));
            Assert.Contains("denied network", refused.Message);
        }
        Assert.Empty(listener.AllAttempts);
    }

    [Fact]
    public async Task GivenSubscriptionWithMetadataEndpoint_WhenCreated_ThenProblem400NamingTheEndpoint()
    {
        using var admin = api.CreateClient();

        var response = await admin.PostAsJsonAsync("/v1/subscriptions", new { filter = new { }, endpoints = new[] { "http://127.0.0.1:9/ok", "http://169.254.169.254/latest" } });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "endpoints[1]: 169.254.169.254 may not receive webhooks");
    }
}
