namespace Doctor.AdminApi.Errors;

/// <summary>
/// The request body exceeds <c>Doctor:MaxRequestBodyBytes</c>. Deliberately not an IOException:
/// minimal APIs swallow those while reading a body, and this must reach the exception handler as a 413.
/// </summary>
public sealed class RequestBodyTooLargeException(long limit)
    : Exception($"request body: larger than the limit of {limit} bytes")
{
    public long Limit { get; } = limit;
}
