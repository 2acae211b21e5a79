using Doctor.AdminApi.Database;
using Doctor.AdminApi.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Options;

namespace Doctor.Tests.Hosting;

public sealed class DoctorOptionsTests
{
    [Theory]
    [InlineData("Doctor:MaxRequestBodyBytes", "0", "Doctor:MaxRequestBodyBytes")]
    [InlineData("Doctor:Postgres", "Host=127.0.0.1;Flavour=strawberry", "Doctor:Postgres")]
    [InlineData("Doctor:Embedded:Database", "Not-A-Name", "Doctor:Embedded:Database")]
    [InlineData("Doctor:RabbitMq", "http://broker:5672/", "Doctor:RabbitMq")]
    [InlineData("Doctor:RabbitMq", "not a uri", "Doctor:RabbitMq")]
    public async Task Start_WithInvalidSetting_FailsNamingTheSetting(string key, string value, string named)
    {
        // Built like Program.cs, on the test server so nothing listens on the real port.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseTestServer();
        builder.Configuration[key] = value;
        builder.AddDoctorHosting();
        builder.Services.AddDoctorDatabase();
        await using var app = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains(named, error.Message);
    }
}
