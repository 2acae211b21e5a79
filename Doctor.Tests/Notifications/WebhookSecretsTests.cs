using System.Security.Cryptography;
using System.Text;
using Doctor.Workflows.Notifications.Delivery;
using Microsoft.Extensions.Options;

namespace Doctor.Tests.Notifications;

public class WebhookSecretsTests(AlarmDatabase db) : IClassFixture<AlarmDatabase>
{
    private WebhookSecrets Secrets(string? key = null) =>
        new(db.DataSource, Options.Create(new NotifierOptions { SecretKey = key }));

    [Fact]
    public async Task Create_StoresTheSecretSealed_AndAnotherInstanceOpensIt()
    {
        var subscriber = $"subscription:{Guid.NewGuid()}";

        var secret = await Secrets().CreateAsync(subscriber);

        Assert.Matches("^[0-9a-f]{64}$", secret);
        await using var read = db.DataSource.CreateCommand("SELECT sealed FROM doctor.webhook_secrets WHERE subscriber = $1");
        read.Parameters.Add(new Npgsql.NpgsqlParameter { Value = subscriber });
        var stored = (byte[])(await read.ExecuteScalarAsync())!;
        Assert.DoesNotContain(secret, Encoding.UTF8.GetString(stored));
        Assert.Equal(secret, await Secrets().FindAsync(subscriber)); // a new process: read from the table and opened
        Assert.Null(await Secrets().FindAsync($"subscription:{Guid.NewGuid()}"));
    }

    [Fact]
    public async Task Find_WithAnotherConfiguredKey_CannotOpenTheSecret()
    {
        var subscriber = $"alarm:{Guid.NewGuid()}";
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var secret = await Secrets(key).CreateAsync(subscriber);

        Assert.Equal(secret, await Secrets(key).FindAsync(subscriber));
        await Assert.ThrowsAnyAsync<CryptographicException>(async () => await Secrets(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))).FindAsync(subscriber));
    }

    [Fact]
    public void Seal_IsBoundToItsSubscriber()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var sealedSecret = WebhookSecrets.Seal(key, "alarm:a", "s3cret");

        Assert.Equal("s3cret", WebhookSecrets.Open(key, "alarm:a", sealedSecret));
        Assert.ThrowsAny<CryptographicException>(() => WebhookSecrets.Open(key, "alarm:b", sealedSecret));
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("AAAA")]
    public void Options_WithAMalformedSecretKey_NameTheSetting(string key)
    {
        Assert.Equal("Doctor:Notifier:SecretKey must be the base64 of exactly 32 bytes", new NotifierOptions { SecretKey = key }.Problem());
    }

    [Fact]
    public void Signature_IsHmacSha256OfTheExactBody()
    {
        var body = Encoding.UTF8.GetBytes("""{"a": 1}""");
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes("k"), body));

        Assert.Equal(expected, WebhookSignature.Sign("k", body));
        Assert.True(WebhookSignature.Verify("k", body, expected));
        Assert.False(WebhookSignature.Verify("k", Encoding.UTF8.GetBytes("""{"a":1}"""), expected));
        Assert.False(WebhookSignature.Verify("k", body, null));
    }

    [Fact]
    public void DeliveryId_IsTheSameForTheSameTriple_AndDiffersOtherwise()
    {
        var endpoint = new Uri("http://127.0.0.1:9/x");
        Assert.Equal(DeliveryIds.For("m", "alarm:a", endpoint), DeliveryIds.For("m", "alarm:a", endpoint));
        Assert.NotEqual(DeliveryIds.For("m", "alarm:a", endpoint), DeliveryIds.For("m", "alarm:b", endpoint));
        Assert.NotEqual(DeliveryIds.For("m", "alarm:a", endpoint), DeliveryIds.For("m", "alarm:a", new Uri("http://127.0.0.1:9/y")));
        Assert.NotEqual(DeliveryIds.For("m", "alarm:a", endpoint), DeliveryIds.For("n", "alarm:a", endpoint));
    }
}
