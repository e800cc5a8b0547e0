using Microsoft.Extensions.Options;

namespace ChatFlows.Bot.Access;

/// <summary>Stops the host at start-up when the API key is too short to protect anything.</summary>
public sealed class AccessOptionsValidation : IValidateOptions<AccessOptions>
{
    public ValidateOptionsResult Validate(string? name, AccessOptions options)
    {
        if (options.HasKey && options.ApiKey!.Trim().Length < AccessOptions.MinimumKeyLength)
        {
            return ValidateOptionsResult.Fail(
                $"{AccessOptions.SectionName}:ApiKey must be at least {AccessOptions.MinimumKeyLength} characters long (e.g. `openssl rand -hex 24`).");
        }
        if (options.SignInLifetime <= TimeSpan.Zero)
        {
            return ValidateOptionsResult.Fail($"{AccessOptions.SectionName}:SignInLifetime must be positive, e.g. 12:00:00.");
        }
        return ValidateOptionsResult.Success;
    }
}
