using System.Text.Json;
using System.Text.Json.Serialization;

namespace ChatFlows.Core.Nodes;

/// <summary>
/// What a waiting <c>approval</c> node asks for (its output while it waits, and what chat adapters render as buttons),
/// and the one rule every adapter applies to a click: who may decide, and until when.
/// </summary>
public sealed record ApprovalRequest
{
    /// <summary>The approver entry that lets everybody decide.</summary>
    public const string Anyone = "anyone";

    [JsonPropertyName("prompt")]
    public required string Prompt { get; init; }

    /// <summary><c>slack:&lt;user id&gt;</c>, <c>teams:&lt;AAD object id&gt;</c>, <c>playground:&lt;name&gt;</c>, <c>email:&lt;address&gt;</c>, <c>local</c> or <c>anyone</c>.</summary>
    [JsonPropertyName("approvers")]
    public required IReadOnlyList<string> Approvers { get; init; }

    /// <summary>Text the approver may edit before approving (e.g. the message about to be posted).</summary>
    [JsonPropertyName("draft")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Draft { get; init; }

    [JsonPropertyName("requestedAt")]
    public required DateTimeOffset RequestedAt { get; init; }

    /// <summary>After this the request can no longer be decided and the node's <c>expired</c> port fires.</summary>
    [JsonPropertyName("expiresAt")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Reminders, escalation, quorum, comments and the deadline's effect; null on a request asked before they existed.</summary>
    [JsonPropertyName("policy")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ApprovalPolicy? Policy { get; init; }

    /// <summary>The request recorded as the output of a waiting node; null when the output is not one.</summary>
    public static ApprovalRequest? From(JsonElement? output)
    {
        if (output is not { ValueKind: JsonValueKind.Object } value || !value.TryGetProperty("approvers", out _)) return null;
        return value.Deserialize<ApprovalRequest>();
    }

    /// <summary>The request as JSON.</summary>
    public JsonElement ToJson() => JsonSerializer.SerializeToElement(this);

    /// <summary>
    /// True when <paramref name="decider"/> is one of the approvers, or anyone may decide: by identity (<c>slack:U012</c>;
    /// Teams ids and user principal names without regard to case), or by an <c>email:</c> entry matching the e-mail
    /// address the decider's platform or sign-in vouches for (without regard to case).
    /// </summary>
    public bool Allows(Decider decider) => Approvers.Any(approver =>
        approver == Anyone
        || string.Equals(approver, decider.Id, approver.StartsWith("teams:", StringComparison.Ordinal) || approver.StartsWith(Decider.EmailPrefix, StringComparison.Ordinal)
            ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal)
        || (decider.Email is { Length: > 0 } email && approver.StartsWith(Decider.EmailPrefix, StringComparison.Ordinal)
            && string.Equals(approver[Decider.EmailPrefix.Length..], email.Trim(), StringComparison.OrdinalIgnoreCase)));

    /// <summary>True when <paramref name="decider"/> (e.g. <c>slack:U012</c>) is one of the approvers, or anyone may decide.</summary>
    public bool Allows(string decider) => Allows(Decider.FromEntry(decider));

    /// <summary>True when an approver is named by e-mail, so a decider's address is worth looking up.</summary>
    public bool NamesEmails => Approvers.Any(a => a.StartsWith(Decider.EmailPrefix, StringComparison.Ordinal));

    /// <summary>True when the request can no longer be decided at <paramref name="now"/>.</summary>
    public bool HasExpired(DateTimeOffset now) => ExpiresAt is { } expires && now >= expires;

    /// <summary>The value the node is resumed with: <c>{ decision, by, at, comment, draft }</c>.</summary>
    public static JsonElement Decision(bool approved, string by, DateTimeOffset at, string? comment, string? draft) =>
        JsonSerializer.SerializeToElement(new { decision = approved ? "approved" : "rejected", by, at, comment, draft });
}
