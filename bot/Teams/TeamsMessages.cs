using ChatFlows.Bot.Chat;
using ChatFlows.Core.Messaging;

namespace ChatFlows.Bot.Teams;

/// <summary>
/// Messages people write to the bot. After an @mention (in a channel or group chat) or in a personal chat, the §5
/// commands (<c>run &lt;workflow&gt;</c>, <c>list</c>, <c>status</c>, <c>cancel</c>, <c>help</c>) are carried out and
/// answered in the same thread; anything else goes to the workflows' message triggers (<c>mention: true</c>), and when
/// none takes it the answer is the help. A message that does not address the bot only reaches message triggers.
/// </summary>
public sealed class TeamsMessages(
    ChatCommands commands, MessageTriggers triggers, TeamsConnector connector, TeamsConversations conversations, TeamsPresenter presenter,
    TeamsDirectMessages directMessages)
{
    private static readonly string[] CommandWords = ["run", "/run", "list", "status", "cancel", "help", "approvals", "delegate"];

    /// <summary>Handles one <c>message</c> activity (not an <c>Action.Submit</c> click).</summary>
    public async Task HandleAsync(TeamsActivity activity, CancellationToken ct)
    {
        var (text, mentioned) = TeamsMention.StripBot(activity);
        var conversationId = activity.Conversation!.Id!;
        var address = TeamsAddress.FromConversationId(conversationId);
        var reference = await conversations.FindAsync(address.ConversationId, ct);
        var kind = reference?.Kind ?? TeamsConversationReference.From(activity)?.Kind;
        var user = TeamsDeciders.UserOf(activity);
        var channel = new TeamsAddress(address.ConversationId).ToString();
        // In a channel every message is a thread's root or a reply in one; a run's card goes in that thread.
        var thread = kind == TeamsConversationReference.Channel ? address.InThread(address.ThreadRootId ?? activity.Id!).ToString() : null;
        var addressed = mentioned || kind == TeamsConversationReference.Personal;

        if (!addressed)
        {
            await triggers.StartAsync(new ChatIncomingMessage(channel, thread ?? channel, user, text, activity.Id!, MentionsBot: false), ct);
            return;
        }

        string answer;
        if (IsCommand(text))
        {
            var reply = await commands.HandleAsync(new ChatCommandContext(user, channel, thread), text, ct);
            answer = reply.Text;
            if (reply.Approvals.Count > 0)
            {
                // In a personal chat everything is there already; elsewhere the answer says where it went.
                if (kind == TeamsConversationReference.Personal)
                {
                    await SendApprovalsAsync(reply, channel, ct);
                    return;
                }
                await SendApprovalsAsync(reply, await directMessages.OpenAsync(user, ct), ct);
                answer = "Your waiting approvals are in your personal chat with ChatFlows.";
            }
        }
        else
        {
            var started = await triggers.StartAsync(new ChatIncomingMessage(channel, thread ?? channel, user, text, activity.Id!, MentionsBot: true), ct);
            if (started.Count > 0) return;
            answer = $"I did not understand “{text}”.\n{ChatCommands.HelpText}";
        }
        await connector.ReplyAsync(TeamsConversationReference.From(activity)!, conversationId, activity.Id!, TeamsOutgoingActivity.Markdown(answer), ct);
    }

    // "run approvals": the list and each approval's card (Approve / Reject) in the person's personal chat with the bot, so
    // nobody else in a channel sees them.
    private async Task SendApprovalsAsync(ChatReply reply, string chat, CancellationToken ct)
    {
        await presenter.PostAsync(new ChatMessage { Target = chat, Text = reply.Text, RunId = "", WorkflowId = "", NodeId = "" }, ct);
        foreach (var view in reply.Approvals) await presenter.PostApprovalAsync(chat, view, ct);
    }

    private static bool IsCommand(string text)
    {
        var first = text.Split([' ', '\t', '\n'], 2, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        return first is null || CommandWords.Contains(first, StringComparer.OrdinalIgnoreCase);
    }
}
