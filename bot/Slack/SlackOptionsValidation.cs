using Microsoft.Extensions.Options;

namespace ChatFlows.Bot.Slack;

/// <summary>
/// Checks the shape of <see cref="SlackOptions"/> at start-up. Missing credentials are not an error (Slack is
/// optional); a base URL that could never be called is, and the message names its key.
/// </summary>
internal sealed class SlackOptionsValidation : IValidateOptions<SlackOptions>
{
    public ValidateOptionsResult Validate(string? name, SlackOptions options) =>
        SlackOptions.UrlProblem(options.ApiBaseUrl) is { } problem
            ? ValidateOptionsResult.Fail($"{SlackOptions.SectionName}:{nameof(SlackOptions.ApiBaseUrl)} {problem}")
            : ValidateOptionsResult.Success;
}
