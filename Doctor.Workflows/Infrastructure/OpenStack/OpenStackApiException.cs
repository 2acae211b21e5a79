using System.Net;

namespace Doctor.Workflows.Infrastructure.OpenStack;

/// <summary>
/// An OpenStack API answered with an error, or not at all. <see cref="Exception.Message"/> carries the service's own message
/// (Nova's "No valid host was found", a 409's conflict) so that it reaches session and incident histories as the cloud said it.
/// </summary>
public sealed class OpenStackApiException(string service, string call, HttpStatusCode? status, string message, Exception? inner = null)
    : Exception(status is null ? $"{service} {call}: {message}" : $"{service} {call}: {(int)status} {message}", inner)
{
    public string Service { get; } = service;
    /// <summary>No status: the call got no answer (connection refused, timeout).</summary>
    public HttpStatusCode? Status { get; } = status;
    /// <summary>The service's message alone, without the call.</summary>
    public string CloudMessage { get; } = message;
}
