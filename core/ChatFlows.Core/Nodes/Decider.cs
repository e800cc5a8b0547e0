namespace ChatFlows.Core.Nodes;

/// <summary>
/// Who decides an approval, as the host established it (never as a request body claims): <see cref="Id"/> is how the
/// decision is recorded (<c>slack:U012AB3CD</c>, <c>teams:&lt;AAD object id&gt;</c>, <c>email:ana@corp.example</c> for a
/// signed-in person, <c>local</c> for this machine's own user); <see cref="Email"/> is the address the person's
/// platform or sign-in vouches for, which <c>email:</c> approver entries match (README §Sharing the host).
/// </summary>
/// <param name="Id">The identity the decision is recorded under.</param>
/// <param name="Email">The verified e-mail address, when the platform gave one.</param>
public sealed record Decider(string Id, string? Email = null)
{
    /// <summary>The prefix of approver entries that name a person by e-mail address.</summary>
    public const string EmailPrefix = "email:";

    /// <summary>The identity of a person known only by <paramref name="email"/>: <c>email:&lt;address&gt;</c>.</summary>
    public static Decider ByEmail(string email) => new(EmailPrefix + email, email);

    /// <summary>An approver entry's identity as a decider: an <c>email:</c> entry carries its address.</summary>
    public static Decider FromEntry(string entry) =>
        entry.StartsWith(EmailPrefix, StringComparison.Ordinal) ? ByEmail(entry[EmailPrefix.Length..]) : new Decider(entry);

    /// <inheritdoc />
    public override string ToString() => Id;
}
