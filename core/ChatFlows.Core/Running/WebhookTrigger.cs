using ChatFlows.Core.Secrets;

namespace ChatFlows.Core.Running;

/// <summary>A <c>trigger/webhook</c> node as the webhook endpoint needs it: its secret and whether signatures must carry a timestamp.</summary>
/// <param name="NodeId">The trigger's node id.</param>
/// <param name="Secret">The configured secret: plain text, <c>{{ secrets.NAME }}</c>, or text around such references.</param>
/// <param name="Timestamped">True when only timestamped signatures are taken (<c>timestamped: true</c>).</param>
public sealed record WebhookTrigger(string NodeId, string Secret, bool Timestamped)
{
    /// <summary>
    /// The secret's value, with <c>{{ secrets.NAME }}</c> read from the vault as in every credential field. Null when it
    /// is empty or a named secret is not set; <paramref name="missing"/> then names that secret.
    /// </summary>
    public string? ResolveSecret(SecretVault vault, out string missing) =>
        SecretReferences.ResolveFrom(Secret, vault, out missing) is { Length: > 0 } value ? value : null;
}
