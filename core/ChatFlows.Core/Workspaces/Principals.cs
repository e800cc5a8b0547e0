using System.Text.RegularExpressions;

namespace ChatFlows.Core.Workspaces;

/// <summary>
/// Who a grant names (README §Workspaces and roles): a signed-in person (<c>email:ana@corp.example</c>,
/// <c>oidc:&lt;subject&gt;</c>), a group of the OpenID Connect <c>groups</c> claim (<c>group:finance</c>), a chat
/// identity (<c>slack:U012AB3CD</c>, <c>slack-group:S0123ABCD</c>, <c>teams:&lt;AAD id&gt;</c>,
/// <c>playground:ada</c>), this machine's own user (<c>local</c>), or everyone of a kind (<see cref="AnySignedIn"/>,
/// <see cref="AnySlack"/>, <see cref="AnyTeams"/>, <see cref="AnyPlayground"/>).
/// </summary>
public static partial class Principals
{
    /// <summary>This machine's own user, when sign-in is off.</summary>
    public const string Local = "local";

    /// <summary>Anyone signed in with the OpenID Connect provider.</summary>
    public const string AnySignedIn = "signed-in:*";

    /// <summary>Anyone in the Slack workspace the app is installed in.</summary>
    public const string AnySlack = "slack:*";

    /// <summary>Anyone in the Teams tenant the bot is installed in.</summary>
    public const string AnyTeams = "teams:*";

    /// <summary>Anyone with a Playground display name.</summary>
    public const string AnyPlayground = "playground:*";

    /// <summary>The prefix of an OpenID Connect group.</summary>
    public const string GroupPrefix = "group:";

    /// <summary>The prefix of a Slack user group.</summary>
    public const string SlackGroupPrefix = "slack-group:";

    /// <summary>The longest principal accepted.</summary>
    public const int MaxLength = 200;

    private static readonly string[] Wildcards = [AnySignedIn, AnySlack, AnyTeams, AnyPlayground];

    /// <summary>What is wrong with <paramref name="principal"/>, or null when a grant may name it.</summary>
    public static string? Problem(string? principal)
    {
        const string Kinds = "write email:<address>, oidc:<subject>, group:<name>, slack:U…, slack-group:S…, teams:<id>, playground:<name>, local, or one of signed-in:*, slack:*, teams:*, playground:*";
        if (string.IsNullOrWhiteSpace(principal)) return $"Say whom the role is for: {Kinds}.";
        if (principal.Length > MaxLength) return $"'{principal[..40]}…' is longer than {MaxLength} characters.";
        if (principal == Local || Wildcards.Contains(principal, StringComparer.Ordinal)) return null;
        var colon = principal.IndexOf(':', StringComparison.Ordinal);
        var kind = colon < 0 ? "" : principal[..colon];
        var rest = colon < 0 ? "" : principal[(colon + 1)..];
        var valid = kind switch
        {
            "email" => rest.Length > 2 && rest.Contains('@', StringComparison.Ordinal) && !rest.Any(char.IsWhiteSpace),
            "oidc" or "group" or "teams" or "playground" => rest.Length > 0 && rest != "*" && !rest.Any(char.IsControl),
            "slack" => SlackUser().IsMatch(rest),
            "slack-group" => SlackGroup().IsMatch(rest),
            _ => false,
        };
        return valid ? null : $"'{principal}' is not someone a role can be given to: {Kinds}.";
    }

    /// <summary>The wildcard that covers a chat identity (<c>slack:U012</c> → <c>slack:*</c>), or null.</summary>
    public static string? WildcardOf(string identity) =>
        identity.StartsWith("slack:", StringComparison.Ordinal) ? AnySlack
        : identity.StartsWith("teams:", StringComparison.Ordinal) ? AnyTeams
        : identity.StartsWith("playground:", StringComparison.Ordinal) ? AnyPlayground
        : identity.StartsWith("email:", StringComparison.Ordinal) || identity.StartsWith("oidc:", StringComparison.Ordinal) ? AnySignedIn
        : null;

    [GeneratedRegex("^[UW][A-Z0-9]{2,}\\z")]
    private static partial Regex SlackUser();

    [GeneratedRegex("^S[A-Z0-9]{2,}\\z")]
    private static partial Regex SlackGroup();
}
