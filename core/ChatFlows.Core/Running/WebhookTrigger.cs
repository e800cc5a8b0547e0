using System.Text.RegularExpressions;
using ChatFlows.Core.Secrets;

namespace ChatFlows.Core.Running;

/// <summary>A <c>trigger/webhook</c> node as the webhook endpoint needs it: its secret and whether signatures must carry a timestamp.</summary>
/// <param name="NodeId">The trigger's node id.</param>
/// <param name="Secret">The configured secret: plain text, or <c>{{ secrets.NAME }}</c>.</param>
/// <param name="Timestamped">True when only timestamped signatures are taken (<c>timestamped: true</c>).</param>
public sealed partial record WebhookTrigger(string NodeId, string Secret, bool Timestamped)
{
    /// <summary>
    /// The secret's value: a plain secret as it is, <c>{{ secrets.NAME }}</c> from the vault. Null when the named
    /// secret is not set; <paramref name="missing"/> then names it.
    /// </summary>
    public string? ResolveSecret(SecretVault vault, out string missing)
    {
        missing = "";
        var reference = SecretReference().Match(Secret);
        if (!reference.Success) return Secret.Length > 0 ? Secret : null;
        missing = reference.Groups[1].Value;
        return vault.TryGet(missing, out var value) && value.Length > 0 ? value : null;
    }

    [GeneratedRegex(@"^\s*\{\{\s*secrets\.([A-Za-z0-9_]+)\s*\}\}\s*\z")]
    private static partial Regex SecretReference();
}
