using Doctor.AdminApi.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Doctor.AdminApi.Errors;

/// <summary>
/// Enforces <c>Doctor:MaxRequestBodyBytes</c> the same way on every server (Kestrel, the test host):
/// a declared length over the limit is refused at once, a chunked body once it grows past it.
/// </summary>
internal sealed class RequestBodyLimitMiddleware(RequestDelegate next, IOptions<DoctorOptions> options)
{
    public Task InvokeAsync(HttpContext context)
    {
        var limit = options.Value.MaxRequestBodyBytes;
        if (context.Request.ContentLength > limit)
        {
            throw new RequestBodyTooLargeException(limit);
        }
        // Kestrel's own limit would surface as an IOException that minimal APIs swallow; ours replaces it.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } serverLimit)
        {
            serverLimit.MaxRequestBodySize = null;
        }
        context.Request.Body = new LimitedRequestBody(context.Request.Body, limit);
        return next(context);
    }
}
