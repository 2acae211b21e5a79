namespace Doctor.Workflows.Infrastructure.OpenStack;

/// <summary>A Keystone token with the endpoints its catalog gave, per service type (<c>compute</c>, <c>placement</c>, <c>network</c>, ...).</summary>
public sealed record KeystoneToken(string Value, DateTimeOffset ExpiresAt, IReadOnlyDictionary<string, string> Endpoints);
