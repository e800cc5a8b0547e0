namespace ChatFlows.Core.Messaging;

/// <summary>A card a run keeps up to date in chat: its progress card, or the card of one of its approvals.</summary>
/// <param name="RunId">The run it shows.</param>
/// <param name="Kind"><see cref="Progress"/> or <see cref="Approval"/>.</param>
/// <param name="NodeId">The approval node; empty for the progress card.</param>
/// <param name="Message">Where it was posted and the id the platform gave it.</param>
/// <param name="LastError">The last update the platform refused for good, if any.</param>
public sealed record ChatCard(string RunId, string Kind, string NodeId, PostedMessage Message, string? LastError = null)
{
    public const string Progress = "progress";

    public const string Approval = "approval";
}
