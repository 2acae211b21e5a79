using Doctor.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Doctor.Tests.Hosting;

/// <summary>The service with <see cref="TestEndpoints"/> and a small body limit (<see cref="BodyLimit"/> bytes).</summary>
public sealed class HostingApiFactory : DoctorApiFactory
{
    public const int BodyLimit = 1024;

    protected override void ConfigureDoctor(IWebHostBuilder builder)
    {
        builder.UseSetting("Doctor:MaxRequestBodyBytes", BodyLimit.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter, TestEndpoints>());
    }
}
