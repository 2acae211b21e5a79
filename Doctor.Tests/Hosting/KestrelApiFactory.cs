using Doctor.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Doctor.Tests.Hosting;

/// <summary>The service on real Kestrel (a free loopback port), with <see cref="TestEndpoints"/> and a small body limit.</summary>
public sealed class KestrelApiFactory : DoctorApiFactory
{
    public KestrelApiFactory() => UseKestrel(0);

    protected override void ConfigureDoctor(IWebHostBuilder builder)
    {
        builder.UseSetting("Doctor:MaxRequestBodyBytes", HostingApiFactory.BodyLimit.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter, TestEndpoints>());
    }
}
