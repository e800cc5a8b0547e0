using Microsoft.Extensions.Options;

namespace ChatFlows.Bot.Teams;

/// <summary>
/// Checks <see cref="TeamsOptions"/> at start-up. No app id is not an error (Teams is then off, or in local emulator
/// mode); an app id that is not a GUID, one without a password, an app id together with emulator mode, or a URL that
/// could never be called is, and the message names the key.
/// </summary>
internal sealed class TeamsOptionsValidation : IValidateOptions<TeamsOptions>
{
    public ValidateOptionsResult Validate(string? name, TeamsOptions options)
    {
        var problems = new List<string>();
        var section = TeamsOptions.SectionName;
        if (TeamsOptions.UrlProblem(options.OpenIdMetadataUrl) is { } metadata)
            problems.Add($"{section}:{nameof(TeamsOptions.OpenIdMetadataUrl)} {metadata}");
        if (TeamsOptions.UrlProblem(options.AuthorityHost, httpsOnly: true) is { } authority)
            problems.Add($"{section}:{nameof(TeamsOptions.AuthorityHost)} {authority}");
        if (options.IsConfigured)
        {
            if (!Guid.TryParse(options.AppId, out _))
                problems.Add($"{section}:{nameof(TeamsOptions.AppId)} must be the Microsoft App ID of the Azure Bot, a GUID like 00000000-0000-0000-0000-000000000000; '{options.AppId}' is not.");
            if (string.IsNullOrWhiteSpace(options.AppPassword))
                problems.Add($"{section}:{nameof(TeamsOptions.AppPassword)} is empty; set a client secret of the bot's app registration (or unset {section}:{nameof(TeamsOptions.AppId)} and set {section}:{nameof(TeamsOptions.Emulator)} for local emulator mode).");
            if (options.Emulator)
                problems.Add($"{section}:{nameof(TeamsOptions.Emulator)} is true while {section}:{nameof(TeamsOptions.AppId)} is set; emulator mode takes unauthenticated requests, so use one or the other.");
        }
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
