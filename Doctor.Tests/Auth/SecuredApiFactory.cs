using Doctor.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;

namespace Doctor.Tests.Auth;

/// <summary>The service on the Doctor test topology, where sessions wait for the <c>doctor-test</c> project's replies.</summary>
public class SecuredApiFactory : DoctorApiFactory
{
    protected override void ConfigureDoctor(IWebHostBuilder builder)
    {
        builder.UseSetting("Doctor:Simulated:Topology", "doctor-test");
        builder.UseSetting("Doctor:Maintenance:MinimumReplyWindow", "00:00:30");
        ConfigureAuth(builder);
    }

    protected virtual void ConfigureAuth(IWebHostBuilder builder)
    {
    }
}
