using System.Net;
using ChatFlows.Core.Nodes;
using Microsoft.Extensions.Options;

namespace ChatFlows.Bot.Access;

/// <summary>Stops the host at start-up when sign-in is configured half-way or insecurely, naming the key.</summary>
public sealed class SignInOptionsValidation : IValidateOptions<SignInOptions>
{
    public ValidateOptionsResult Validate(string? name, SignInOptions options)
    {
        var problems = new List<string>();
        const string Section = SignInOptions.SectionName;
        if (options.IsConfigured)
        {
            if (!Uri.TryCreate(options.Authority, UriKind.Absolute, out var authority) || authority.Scheme is not ("https" or "http"))
            {
                problems.Add($"{Section}:Authority must be the provider's issuer URL, e.g. https://login.example.com/realms/corp.");
            }
            else if (authority.Scheme == "http" && (options.RequireHttpsMetadata || !IsLoopback(authority)))
            {
                problems.Add($"{Section}:Authority must use https; plain http is accepted only for a loopback provider with {Section}:RequireHttpsMetadata false.");
            }
            else if (!options.RequireHttpsMetadata && !IsLoopback(authority))
            {
                problems.Add($"{Section}:RequireHttpsMetadata may be false only for a loopback Authority, not {authority.Host}.");
            }
            if (string.IsNullOrWhiteSpace(options.ClientId)) problems.Add($"{Section}:ClientId must be set: the client id registered for ChatFlows at the provider.");
            if (!options.ScopeList.Contains("openid", StringComparer.Ordinal)) problems.Add($"{Section}:Scopes must include openid (e.g. \"openid profile email\").");
        }
        if (string.IsNullOrEmpty(options.CallbackPath) || options.CallbackPath[0] != '/') problems.Add($"{Section}:CallbackPath must be a path on this host, e.g. /signin-oidc.");
        CheckIdentity(options.LocalUser, "LocalUser", problems);
        CheckIdentity(options.ApiKeyUser, "ApiKeyUser", problems);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static void CheckIdentity(string? identity, string key, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(identity) || identity == ApprovalRequest.Anyone || ApprovalNode.CheckApprover(identity) is not null)
        {
            problems.Add($"{SignInOptions.SectionName}:{key} must be one identity as approvers are written (local, email:ana@corp.example, slack:U012AB3CD, …), not '{identity}'.");
        }
    }

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
