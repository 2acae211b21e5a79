using Microsoft.Extensions.Options;

namespace Doctor.Workflows.EventStore;

/// <summary>Fails start-up with the first wrong setting named, rather than a feed that misbehaves later.</summary>
internal sealed class EventStoreOptionsValidation : IValidateOptions<EventStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, EventStoreOptions options) =>
        options.Validate() is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
}
