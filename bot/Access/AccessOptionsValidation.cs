using ChatFlows.Core.Workspaces;
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
        if (RoleNames.Parse(options.ApiKeyRole) is null)
        {
            return ValidateOptionsResult.Fail($"{AccessOptions.SectionName}:ApiKeyRole must be viewer, runner, editor or admin; '{options.ApiKeyRole}' is not a role.");
        }
        if (options.SignInLifetime <= TimeSpan.Zero)
        {
            return ValidateOptionsResult.Fail($"{AccessOptions.SectionName}:SignInLifetime must be positive, e.g. 12:00:00.");
        }
        if (options.MaxFailedAttempts < 1)
        {
            return ValidateOptionsResult.Fail($"{AccessOptions.SectionName}:MaxFailedAttempts must be at least 1, e.g. 10.");
        }
        if (options.FailedAttemptWindow < TimeSpan.FromSeconds(1) || options.FailedAttemptWindow > TimeSpan.FromDays(1))
        {
            return ValidateOptionsResult.Fail($"{AccessOptions.SectionName}:FailedAttemptWindow must be between 00:00:01 and 1.00:00:00, e.g. 00:01:00.");
        }
        if (!string.IsNullOrWhiteSpace(options.PublicBaseUrl)
            && (!Uri.TryCreate(options.PublicBaseUrl.Trim(), UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp)))
        {
            return ValidateOptionsResult.Fail($"ChatFlows:PublicBaseUrl must be an absolute http(s) URL such as https://chatflows.example.com; '{options.PublicBaseUrl}' is not.");
        }
        if (options.AllowedHosts.FirstOrDefault(h => Uri.CheckHostName(h?.Trim()) == UriHostNameType.Unknown) is { } badHost)
        {
            return ValidateOptionsResult.Fail($"{AccessOptions.SectionName}:AllowedHosts lists '{badHost}', which is not a host name (no scheme, port or path, e.g. chatflows.example.com).");
        }
        return ValidateOptionsResult.Success;
    }
}
