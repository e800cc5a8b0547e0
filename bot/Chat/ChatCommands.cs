namespace ChatFlows.Bot.Chat;

/// <summary>
/// The §5 commands, the same on every platform: <c>/run &lt;workflow&gt; [args]</c>, <c>list</c>, <c>status</c>,
/// <c>cancel</c>, <c>help</c>.
/// </summary>
public sealed class ChatCommands
{
    /// <summary>Carries out one command typed in chat and answers the person privately.</summary>
    public Task<ChatReply> HandleAsync(ChatCommandContext context, string text, CancellationToken ct) =>
        throw new NotImplementedException();
}
