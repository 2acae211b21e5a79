using Doctor.Workflows.Infrastructure;
using Doctor.Workflows.Infrastructure.OpenStack;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Doctor.Tests.OpenStack;

/// <summary><c>Doctor:Cloud</c> checked at start, each bad value named by its setting.</summary>
public sealed class OpenStackOptionsTests
{
    private static ValidateOptionsResult Validate(OpenStackOptions options) => new OpenStackOptionsValidator().Validate(null, options);

    private static OpenStackOptions Good() => new() { AuthUrl = "https://keystone:5000/v3", Username = "doctor", Password = "p", ProjectName = "service" };

    [Fact]
    public void GivenCompleteSettings_WhenValidated_ThenAccepted() => Assert.True(Validate(Good()).Succeeded);

    [Fact]
    public void GivenNothing_WhenValidated_ThenEveryMissingSettingIsNamed()
    {
        var result = Validate(new OpenStackOptions());

        foreach (var setting in new[] { "AuthUrl", "Username", "Password", "ProjectName" })
            Assert.Contains(result.Failures!, f => f.StartsWith($"Doctor:Cloud:OpenStack:{setting}:", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("ComputeMicroversion", "2.52")]
    [InlineData("ComputeMicroversion", "latest")]
    [InlineData("Interface", "private")]
    [InlineData("NotificationsUrl", "http://rabbit:5672/")]
    [InlineData("AuthUrl", "keystone:5000")]
    public void GivenABadValue_WhenValidated_ThenTheSettingAndValueAreNamed(string setting, string value)
    {
        var options = Good();
        typeof(OpenStackOptions).GetProperty(setting)!.SetValue(options, value);

        var failure = Assert.Single(Validate(options).Failures!);

        Assert.StartsWith($"Doctor:Cloud:OpenStack:{setting}:", failure);
        Assert.Contains(value, failure);
    }

    [Fact]
    public void GivenAnUnknownDriver_WhenRegistered_ThenTheSettingIsNamed()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Doctor:Cloud:Driver"] = "vmware" }).Build();

        var e = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddCloudDriver(configuration));

        Assert.Equal("Doctor:Cloud:Driver: must be simulated or openstack, got 'vmware'", e.Message);
    }

    [Theory]
    [InlineData("2.53", "2.9", true)]
    [InlineData("2.88", "2.88", false)]
    [InlineData("2.100", "2.93", true)]
    public void GivenMicroversions_WhenCompared_ThenNovasOrderHolds(string a, string b, bool greater) =>
        Assert.Equal(greater, NovaMicroversion.Parse(a) > NovaMicroversion.Parse(b));
}
