using ChatFlows.Core.Secrets;

namespace ChatFlows.Core.Running;

/// <summary>
/// A <c>trigger/webhook</c> node as the webhook endpoints need it: its secret, whether signatures must carry a
/// timestamp, and, for GitHub's deliveries (<c>provider: "github"</c>), the events it takes.
/// </summary>
/// <param name="NodeId">The trigger's node id.</param>
/// <param name="Secret">The configured secret: plain text, <c>{{ secrets.NAME }}</c>, or text around such references.</param>
/// <param name="Timestamped">True when only timestamped signatures are taken (<c>timestamped: true</c>).</param>
public sealed record WebhookTrigger(string NodeId, string Secret, bool Timestamped)
{
    /// <summary><c>github</c> for a trigger of GitHub's deliveries; null for ChatFlows-signed requests.</summary>
    public string? Provider { get; init; }

    /// <summary>The GitHub events (X-GitHub-Event) that start a run; <c>*</c> takes every event.</summary>
    public IReadOnlyList<string> Events { get; init; } = [];

    /// <summary>The workspace of the trigger's workflow, whose secrets sign its requests (README §Workspaces and roles).</summary>
    public string Workspace { get; init; } = Workspaces.WorkspaceIds.Default;

    /// <summary>True for a trigger of GitHub's deliveries.</summary>
    public bool IsGithub => Provider == WebhookTriggers.GithubProvider;

    /// <summary>True when a GitHub delivery of <paramref name="gitHubEvent"/> starts a run of this trigger.</summary>
    public bool Takes(string gitHubEvent) => Events.Any(e => e == "*" || e.Equals(gitHubEvent, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The secret's value, with <c>{{ secrets.NAME }}</c> read from the vault as in every credential field. Null when it
    /// is empty or a named secret is not set; <paramref name="missing"/> then names that secret.
    /// </summary>
    public string? ResolveSecret(SecretVault vault, out string missing) =>
        SecretReferences.ResolveFrom(Secret, vault, Workspace, out missing) is { Length: > 0 } value ? value : null;
}
