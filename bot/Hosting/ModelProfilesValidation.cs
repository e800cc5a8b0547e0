using ChatFlows.Core.Agents;
using Microsoft.Extensions.Options;

namespace ChatFlows.Bot.Hosting;

/// <summary>Stops the host at start-up when a configured model profile is wrong, with every problem naming its key.</summary>
internal sealed class ModelProfilesValidation : IValidateOptions<Dictionary<string, ModelProfile>>
{
    public ValidateOptionsResult Validate(string? name, Dictionary<string, ModelProfile> options)
    {
        var problems = new ModelProfiles(options).Validate();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
