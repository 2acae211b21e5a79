using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Doctor.AdminApi.Auth;

/// <summary>
/// One token bucket per caller: per token once authenticated (so one noisy VNFM cannot starve the others), per remote
/// address before that. An empty bucket answers 429 problem+json with <c>Retry-After</c>.
/// </summary>
internal static class RequestRateLimits
{
    public static void Configure(RateLimiterOptions limiter, RateLimitOptions options)
    {
        limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            options.PermitsPerSecond <= 0
                ? RateLimitPartition.GetNoLimiter("off")
                : RateLimitPartition.GetTokenBucketLimiter(Partition(context), _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = options.Burst,
                    TokensPerPeriod = options.PermitsPerSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                }));
        limiter.OnRejected = async (rejected, ct) =>
        {
            var context = rejected.HttpContext;
            var seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
                ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
                : 1;
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails =
                {
                    Status = StatusCodes.Status429TooManyRequests,
                    Title = $"too many requests: over {options.PermitsPerSecond} per second (burst {options.Burst}) for this caller; retry after {seconds} s",
                },
            });
        };
    }

    private static string Partition(HttpContext context) =>
        context.User.FindFirst(DoctorClaims.TokenId)?.Value is { } token
            ? "token:" + token
            : "ip:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
}
