using Microsoft.AspNetCore.WebUtilities;

namespace Doctor.AdminApi.Errors;

public static class ErrorsExtensions
{
    /// <summary>Problem+json (RFC 7807) for every error: exceptions, bad request bodies, bodies over the limit, bare status codes.</summary>
    public static IServiceCollection AddDoctorErrors(this IServiceCollection services)
    {
        services.AddProblemDetails(o => o.CustomizeProblemDetails = NameUnknownRoutes);
        services.AddExceptionHandler<DoctorExceptionHandler>();
        // Minimal APIs then throw on a body they cannot bind (in every environment, not only Development),
        // so the exception handler can say what is wrong instead of an empty 400.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.ConfigureHttpJsonOptions(o =>
        {
            // {"state": "ACK_X", "state": "NACK_X"} means two things; refuse it rather than let the last one win.
            o.SerializerOptions.AllowDuplicateProperties = false;
            o.SerializerOptions.Converters.Add(new StoredTextConverter());
            o.SerializerOptions.Converters.Add(new StrictJsonObjectConverter());
        });
        return services;
    }

    // The status-code pages only know the status; say which request it was about.
    private static void NameUnknownRoutes(ProblemDetailsContext context)
    {
        var request = context.HttpContext.Request;
        var defaultTitle = ReasonPhrases.GetReasonPhrase(context.ProblemDetails.Status ?? 0);
        if (context.ProblemDetails.Title != defaultTitle)
        {
            return;
        }
        context.ProblemDetails.Title = context.ProblemDetails.Status switch
        {
            StatusCodes.Status404NotFound when context.HttpContext.GetEndpoint() is null => $"{request.Method} {request.Path}: no such resource",
            StatusCodes.Status405MethodNotAllowed => $"{request.Method} {request.Path}: method not allowed",
            _ => context.ProblemDetails.Title,
        };
    }

    /// <summary>The error middleware, outermost after metrics: exception handler, problem bodies for bare status codes, the body limit.</summary>
    public static IApplicationBuilder UseDoctorErrors(this IApplicationBuilder app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app.UseMiddleware<RequestBodyLimitMiddleware>();
    }
}
