namespace Doctor.Workflows.Notifications.Targets;

/// <summary>
/// The handler wraps what the connect callback throws in an <see cref="HttpRequestException"/>, which the dispatcher
/// retries; this hands the refusal itself on, so a forbidden target is dead-lettered after one attempt.
/// </summary>
internal sealed class WebhookTargetRefusals : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await base.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e) when (Refusal(e) is { } refused)
        {
            throw refused;
        }
    }

    private static WebhookTargetRefusedException? Refusal(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is WebhookTargetRefusedException refused)
                return refused;
        }
        return null;
    }
}
