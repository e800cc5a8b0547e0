namespace ChatFlows.Bot.Chat;

/// <summary>A message someone wrote in chat, as message triggers see it.</summary>
/// <param name="Channel">Where it was written, e.g. <c>slack:C0123ABCD</c>.</param>
/// <param name="Thread">The thread a run started by it reports to: the message's own thread, or the one it starts.</param>
/// <param name="User">Who wrote it, as approvers are written (<c>slack:U012</c>).</param>
/// <param name="Text">Its text, with the mention of the bot taken out.</param>
/// <param name="MessageId">The platform's id for it (Slack's ts).</param>
/// <param name="MentionsBot">True when it mentions the bot.</param>
public sealed record ChatIncomingMessage(string Channel, string Thread, string User, string Text, string MessageId, bool MentionsBot)
{
    /// <summary>True for a reply in a thread (<c>&lt;channel&gt;#&lt;root&gt;</c>, the root being another message).</summary>
    public bool IsReply =>
        Thread.LastIndexOf('#') is var hash and > 0 && !string.Equals(Thread[(hash + 1)..], MessageId, StringComparison.Ordinal);
}
