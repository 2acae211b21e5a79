using Microsoft.Extensions.Options;

namespace Doctor.Workflows.Notifications.Delivery;

/// <summary>Fails the start with the precise problem in <see cref="NotifierOptions"/>.</summary>
public sealed class NotifierOptionsValidation : IValidateOptions<NotifierOptions>
{
    public ValidateOptionsResult Validate(string? name, NotifierOptions options) =>
        options.Problem() is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
}
