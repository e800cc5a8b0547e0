using ChatFlows.Bot.Hosting;
using Microsoft.Extensions.Options;

namespace ChatFlows.Bot.Secrets;

/// <summary>Stops the host at start-up when the keys certificate is configured but cannot protect anything, naming the setting.</summary>
internal sealed class KeysCertificateValidation : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options) =>
        KeysCertificate.Problem(options) is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
}
