using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace Doctor.AdminApi.Auth;

public static class AuthExtensions
{
    /// <summary>
    /// Tokens (<see cref="TokenAuthentication"/>), the policies (any valid token everywhere by default; <see cref="DoctorPolicies.Admin"/>),
    /// the admin credential and project token store, and per-caller rate limits, all from <c>Doctor:Auth</c>.
    /// </summary>
    public static IServiceCollection AddDoctorAuth(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuthOptions>().Bind(configuration.GetSection(AuthOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();
        services.AddSingleton<AdminCredential>();
        services.AddHostedService<AdminCredentialStartup>();
        services.AddSingleton<AccessTokenStore>();
        services.AddAuthentication(TokenAuthentication.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, TokenAuthentication>(TokenAuthentication.SchemeName, null);
        services.AddAuthorizationBuilder()
            // Every endpoint, including those features add later, needs a valid token unless it says AllowAnonymous.
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(DoctorPolicies.Admin, p => p.RequireAuthenticatedUser().RequireClaim(DoctorClaims.Role, DoctorClaims.AdminRole));
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, ProblemAuthorizationResults>();
        services.AddRateLimiter(_ => { });
        services.AddOptions<Microsoft.AspNetCore.RateLimiting.RateLimiterOptions>()
            .Configure<IOptions<AuthOptions>>((limiter, auth) => RequestRateLimits.Configure(limiter, auth.Value.RateLimit));
        return services;
    }

    /// <summary>Authentication, the rate limit per caller, authorization and the admin-route guard, in that order.</summary>
    public static IApplicationBuilder UseDoctorAuth(this IApplicationBuilder app)
    {
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        return app.UseMiddleware<AdminRoutes>();
    }

    /// <summary>
    /// Open to anyone unless <c>Doctor:Auth:{setting}</c> is true; used for /health (ProtectHealth) and /metrics (ProtectMetrics).
    /// Read from configuration, not the validated options: mapping happens before the host validates them.
    /// </summary>
    public static TBuilder OpenUnless<TBuilder>(this TBuilder builder, IConfiguration configuration, string setting) where TBuilder : IEndpointConventionBuilder =>
        configuration.GetValue<bool>($"{AuthOptions.Section}:{setting}") ? builder : builder.AllowAnonymous();
}
