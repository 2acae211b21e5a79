using Doctor.Workflows.EventStore;

namespace Doctor.AdminApi.Problems;

/// <summary>Who a request acts as, and the metadata its events carry (correlation = the request's trace id).</summary>
public static class HttpContextActor
{
    public static string Actor(this HttpContext context) =>
        context.User.Identity is { IsAuthenticated: true, Name: { Length: > 0 } name } ? name : "anonymous";

    /// <summary>An <c>Idempotency-Key</c> header makes the command idempotent: the same key appended twice yields the first result.</summary>
    public static EventMetadata EventMetadata(this HttpContext context, string scope) =>
        new(context.TraceIdentifier, null, context.Actor(),
            context.Request.Headers.TryGetValue("Idempotency-Key", out var key) && key.ToString() is { Length: > 0 } k ? $"{scope}:{k}" : null);
}
