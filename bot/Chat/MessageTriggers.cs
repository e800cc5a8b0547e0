using System.Text.Json;
using System.Text.RegularExpressions;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Messaging;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;
using ChatFlows.Core.Storage;
using ChatFlows.Core.Workspaces;

namespace ChatFlows.Bot.Chat;

/// <summary>
/// Starts the workflows whose <c>trigger/message</c> matches a chat message: a trigger with <c>mention: true</c> takes
/// the messages that mention the bot, any other trigger the messages that do not; its <c>pattern</c> (a regular
/// expression, case-insensitive), when given, must match the text, and <c>channels</c>, when given, limits where.
/// Each matching trigger starts one run reporting to the message's thread. A reply in the thread of a run whose workflow
/// has a <c>trigger/reply</c> starts that workflow again instead (README §Agents and models, conversations in the thread).
/// </summary>
public sealed partial class MessageTriggers(
    IWorkflowStore workflows, RunStarter runStarter, ChatChannels channels, ChatRunStarter starter, IChatCardStore cards, IRunStore runs, ILogger<MessageTriggers> logger,
    IWorkspaceStore workspaces)
{
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);

    /// <summary>Starts a run of every workflow whose message trigger matches; returns their ids.</summary>
    public async Task<IReadOnlyList<string>> StartAsync(ChatIncomingMessage message, CancellationToken ct)
    {
        // A reply that continues a conversation is that conversation's, and starts no message trigger as well.
        if (message.IsReply && channels.For<IChatPresenter>(message.Channel) is not null && await StartRepliesAsync(message, ct) is { Count: > 0 } replies)
        {
            return replies;
        }
        var started = new List<string>();
        // Only the workflows of the workspaces bound to the channel hear it (README §Workspaces and roles).
        var seen = await workspaces.WorkspacesOfAsync(message.Channel, ct);
        foreach (var stored in await workflows.ListAsync(ct))
        {
            if (!seen.Contains(stored.Document.Workspace)) continue;
            foreach (var trigger in stored.Document.Nodes.Where(n => n.Type == NodeTypes.Trigger && n.Kind == "message"))
            {
                if (!Matches(trigger, message)) continue;
                if (channels.For<IChatPresenter>(message.Channel) is null) continue;
                var runId = await StartAsync(stored.Document.Id, trigger.Id, message, thread => new
                {
                    text = message.Text,
                    user = message.User,
                    channel = message.Channel,
                    thread,
                    ts = message.MessageId,
                    mention = message.MentionsBot,
                }, ct);
                if (runId is null) continue;
                LogStarted(runId, stored.Document.Id, trigger.Id, message.Channel);
                started.Add(runId);
            }
        }
        return started;
    }

    // The workflows of the runs that posted their card in this thread, newest run first; each with a reply trigger
    // that matches starts once, told which run it continues.
    private async Task<List<string>> StartRepliesAsync(ChatIncomingMessage message, CancellationToken ct)
    {
        var started = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var previous in await cards.ListRunsInThreadAsync(message.Thread, ct))
        {
            if (await runs.GetAsync(previous, ct) is not { } run || !seen.Add(run.WorkflowId)) continue;
            if (await workflows.GetAsync(run.WorkflowId, ct) is not { } stored) continue;
            foreach (var trigger in stored.Document.Nodes.Where(n => n.Type == NodeTypes.Trigger && n.Kind == TriggerNodes.ReplyKind))
            {
                if (!PatternMatches(trigger, message.Text)) continue;
                var runId = await StartAsync(stored.Document.Id, trigger.Id, message, thread => new
                {
                    text = message.Text,
                    user = message.User,
                    channel = message.Channel,
                    thread,
                    ts = message.MessageId,
                    previousRun = previous,
                }, ct);
                if (runId is null) continue;
                LogReplied(runId, stored.Document.Id, previous, message.Thread);
                started.Add(runId);
            }
        }
        return started;
    }

    // The progress card goes in the message's thread, and the run reports there. A refusal has nobody who typed a
    // command to answer it, so the log says what to fix; the run's id otherwise.
    private async Task<string?> StartAsync(string workflowId, string triggerId, ChatIncomingMessage message, Func<string, object> payload, CancellationToken ct)
    {
        var workflow = await runStarter.FindAsync(workflowId, ct);
        var outcome = await starter.StartAsync(message.Thread, workflow, triggerId, message.User, thread => JsonSerializer.SerializeToElement(payload(thread)), ct);
        if (outcome is StartOutcome.Refused refused)
        {
            LogRefused(workflowId, triggerId, refused.Describe());
            return null;
        }
        return outcome.StartedRunId!;
    }

    private static bool Matches(WorkflowNode trigger, ChatIncomingMessage message)
    {
        var config = trigger.Config;
        // A message that mentions the bot is for mention triggers only, so one message never starts a workflow twice.
        if ((config["mention"]?.GetValue<bool>() == true) != message.MentionsBot) return false;
        if (config["channels"] is System.Text.Json.Nodes.JsonArray channels && channels.Count > 0
            && !channels.Any(c => string.Equals(c?.GetValue<string>(), message.Channel, StringComparison.Ordinal)))
        {
            return false;
        }
        return PatternMatches(trigger, message.Text);
    }

    private static bool PatternMatches(WorkflowNode trigger, string text)
    {
        if (trigger.Config["pattern"]?.GetValue<string>() is not { Length: > 0 } pattern) return true;
        try
        {
            return Regex.IsMatch(text, pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, MatchTimeout);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Run {RunId} of {WorkflowId} started by message trigger {TriggerId} in {Channel}")]
    private partial void LogStarted(string runId, string workflowId, string triggerId, string channel);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Run {RunId} of {WorkflowId} started by a reply continuing run {PreviousRunId} in {Thread}")]
    private partial void LogReplied(string runId, string workflowId, string previousRunId, string thread);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message trigger {TriggerId} of {WorkflowId} started nothing; fix the workflow and save it again: {Problems}")]
    private partial void LogRefused(string workflowId, string triggerId, string problems);
}
