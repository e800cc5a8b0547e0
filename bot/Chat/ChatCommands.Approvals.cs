using System.Text;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;
using ChatFlows.Core.Workspaces;

namespace ChatFlows.Bot.Chat;

public sealed partial class ChatCommands
{
    /// <summary>The most approvals one <c>/run approvals</c> answer shows with buttons (Slack takes 50 blocks); the rest are counted.</summary>
    public const int MaxListedApprovals = 8;

    // "/run approvals": what waits for the person, oldest first, each with Approve / Reject; the buttons decide through
    // the same rule as the approval cards in the threads.
    private async Task<ChatReply> ApprovalsAsync(ChatCommandContext context, CancellationToken ct)
    {
        // Only approvals the person may decide: those of workspaces they are a runner in (README §Workspaces and roles).
        var listed = await inbox.ListAsync(await DeciderAsync(context.User, ct), ct);
        var items = new List<ApprovalInboxItem>();
        var allowed = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var item in listed)
        {
            var workspace = await roles.WorkspaceOfAsync(runs, item.State.RunId, ct) ?? WorkspaceIds.Default;
            if (!allowed.TryGetValue(workspace, out var may)) allowed[workspace] = may = await roles.RoleOfAsync(context.User, workspace, ct) >= Role.Runner;
            if (may) items.Add(item);
        }
        if (items.Count == 0) return new ChatReply("Nothing waits for you.");
        var text = new StringBuilder($"*{(items.Count == 1 ? "1 approval waits" : $"{items.Count} approvals wait")} for you*, oldest first:\n");
        foreach (var item in items.Take(MaxListedApprovals))
        {
            var state = item.State;
            text.Append($"• *{item.WorkflowName}*: {state.Request.Prompt} (run `{state.RunId}`, asked {ChatText.Utc(state.Request.RequestedAt)}, "
                + $"{state.Approvals} of {state.Required} approvals{(state.Deadline is { } deadline ? $", deadline {ChatText.Utc(deadline)}" : "")})\n");
        }
        if (items.Count > MaxListedApprovals) text.Append($"…and {items.Count - MaxListedApprovals} more: the My approvals page in ChatFlows lists them all.\n");
        var shown = items.Take(MaxListedApprovals).Select(i => new ApprovalView
        {
            RunId = i.State.RunId,
            NodeId = i.State.NodeId,
            WorkflowName = i.WorkflowName,
            Request = i.State.Request,
            State = i.State,
            Votes = i.State.Votes,
            Delegations = i.State.Delegations,
        }).ToArray();
        return new ChatReply(text.ToString().TrimEnd()) { Approvals = shown };
    }

    // "/run delegate <run> [node] to <person>": through the one rule (Approvals.DelegateAsync), which journals it and
    // tells the delegate.
    private async Task<ChatReply> DelegateAsync(ChatCommand command, ChatCommandContext context, CancellationToken ct)
    {
        var run = await FindRunAsync(command.Target!, ct);
        if (run is null) return NoRun(command.Target!);
        if (await roles.RefusalAsync(context.User, await roles.WorkspaceOfAsync(run, ct), Role.Runner, $"hand on an approval of run `{run.Id}`", ct) is { } refusal)
        {
            LogRefusedByRole(context.User, "delegate", run.Id);
            return new ChatReply(refusal, run.Id);
        }
        var nodeId = command.Node;
        if (nodeId is null)
        {
            var waiting = run.Nodes.Where(n => n.Status == NodeStatus.Waiting && n.Bookmark == ApprovalNode.Bookmark).Select(n => n.NodeId).ToArray();
            if (waiting.Length == 0) return new ChatReply($"Run `{run.Id}` has no approval waiting; there is nothing to hand on.", run.Id);
            if (waiting.Length > 1)
            {
                return new ChatReply($"Several approvals wait in run `{run.Id}` ({string.Join(", ", waiting)}); say which: `/run delegate {run.Id} <node> to <person>`.", run.Id);
            }
            nodeId = waiting[0];
        }
        var to = command.DelegateTarget!;
        var decision = await approvals.DelegateAsync(run.Id, nodeId, await DeciderAsync(context.User, ct), to, ct);
        LogDelegated(run.Id, nodeId, context.User, to, decision.Outcome);
        return new ChatReply(decision.Accepted ? $"{decision.Message} They were told, and the approval card shows it." : decision.Message, run.Id);
    }

    // The person as the approval rule knows them: their chat id, and the e-mail address their platform vouches for
    // (approvers may be named by e-mail).
    private async Task<Decider> DeciderAsync(string user, CancellationToken ct)
    {
        var platform = user[..Math.Max(0, user.IndexOf(':', StringComparison.Ordinal))];
        if (people.FirstOrDefault(p => p.Platform == platform) is not { } directory) return new Decider(user);
        try
        {
            return new Decider(user, await directory.EmailOfAsync(user[(platform.Length + 1)..], ct));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Without the address the person is known by their id alone.
            LogEmailLookupFailed(e, user);
            return new Decider(user);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Approval {NodeId} of run {RunId}: {User} asked to hand it to {To}: {Outcome}")]
    private partial void LogDelegated(string runId, string nodeId, string user, string to, ApprovalOutcome outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The e-mail address of {User} could not be looked up for their approvals")]
    private partial void LogEmailLookupFailed(Exception exception, string user);
}
