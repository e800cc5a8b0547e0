namespace ChatFlows.Bot.Chat;

/// <summary>
/// How one chat platform reaches a person privately and names them in a thread (README §Approvals): the approval
/// notifier sends reminders, escalations and delegations to each approver's direct messages through it.
/// </summary>
public interface IChatDirectMessages
{
    /// <summary>The platform prefix of the approver entries it reaches: <c>slack</c>, <c>teams</c> or <c>playground</c>.</summary>
    string Platform { get; }

    /// <summary>
    /// The address of a direct conversation with <paramref name="person"/> (an approver entry of this platform, e.g.
    /// <c>slack:U012</c>), opened when the platform needs that; throws with the platform's reason when it cannot be.
    /// </summary>
    Task<string> OpenAsync(string person, CancellationToken ct);

    /// <summary>How <paramref name="person"/> is mentioned in a message of this platform (<c>&lt;@U012&gt;</c>, <c>@ana</c>).</summary>
    string Mention(string person);
}
