namespace Doctor.Workflows.Faults.WarmUp;

/// <summary>
/// The webhook clients of the warm-up's dispatcher: the very handler chain real deliveries go through (the
/// <c>notifier</c> client's pooled handler: the target policy's connect callback, no redirects), behind a guard that
/// refuses any request not addressed to the warm-up's own sink — whatever a dry alarm says, nothing leaves for a consumer.
/// </summary>
internal sealed class SinkOnlyWebhookClients(IHttpMessageHandlerFactory handlers, Uri sink) : IHttpClientFactory
{
    public HttpClient CreateClient(string name) =>
        // As the factory configures the notifier client: each attempt has its own limit, the client none.
        new(new SinkOnly(handlers.CreateHandler(name), sink), disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };

    private sealed class SinkOnly(HttpMessageHandler inner, Uri sink) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            request.RequestUri is { } target && Uri.Compare(target, sink, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0
                ? base.SendAsync(request, cancellationToken)
                : throw new InvalidOperationException($"the warm-up sends to its own sink only, not to {request.RequestUri}");
    }
}
