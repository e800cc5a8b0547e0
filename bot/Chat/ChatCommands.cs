using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChatFlows.Core.Audit;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Messaging;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;
using ChatFlows.Core.Storage;
using ChatFlows.Core.Workspaces;
using Microsoft.Extensions.Options;

namespace ChatFlows.Bot.Chat;

/// <summary>
/// The §5 commands, the same on every platform: <c>/run &lt;workflow&gt; [args]</c>, <c>list</c>, <c>status</c>,
/// <c>cancel</c>, <c>help</c>. A run started here posts its progress card first, so that everything the run says
/// has a thread to go to from its first node on.
/// </summary>
public sealed partial class ChatCommands(
    IWorkflowStore workflows, RunStarter runStarter, RunQueue queue, IRunStore runs, ChatRunStarter starter, IOptions<ChatOptions> options, TimeProvider time,
    ILogger<ChatCommands> logger, ApprovalInbox inbox, Approvals approvals, IEnumerable<IChatPeople> people, IAuditLog audit, ChatRoles roles,
    IWorkspaceStore workspaces)
{
    /// <summary>What <c>/run help</c> answers.</summary>
    public const string HelpText = """
        *ChatFlows commands*
        `/run <workflow> [key=value …]` starts a workflow, e.g. `/run deploy-check service=api note="two words"`
        `/run <workflow> {"key": "value"}` passes the arguments as one JSON object
        `/run list` lists the workflows you can start
        `/run status <run id>` shows where a run is (`/run status <run id> json` gives its result and outputs as JSON)
        `/run cancel <run id>` stops a run
        `/run approvals` lists the approvals waiting for you, oldest first, with Approve and Reject
        `/run delegate <run id> [node] to <person>` hands an approval waiting for you to someone else, e.g. `to slack:U012AB3CD`
        `/run help` shows this help
        """;

    // Enough recent runs to find one by the first characters of its id, as cards show it.
    private const int RecentRunsSearched = 200;

    /// <summary>Carries out one command typed in chat and answers the person privately.</summary>
    public async Task<ChatReply> HandleAsync(ChatCommandContext context, string text, CancellationToken ct)
    {
        if (!ChatCommand.TryParse(text, out var command, out var error)) return new ChatReply($"{error} Type `/run help` for the commands.");
        return command.Kind switch
        {
            ChatCommandKind.Help => new ChatReply(HelpText),
            ChatCommandKind.List => await ListAsync(context, ct),
            ChatCommandKind.Status => await StatusAsync(command.Target!, command.AsJson, context, ct),
            ChatCommandKind.Cancel => await CancelAsync(command.Target!, context, ct),
            ChatCommandKind.Approvals => await ApprovalsAsync(context, ct),
            ChatCommandKind.Delegate => await DelegateAsync(command, context, ct),
            _ => await RunAsync(command, context, ct),
        };
    }

    private async Task<ChatReply> RunAsync(ChatCommand command, ChatCommandContext context, CancellationToken ct)
    {
        var startable = await StartableAsync(context, ct);
        var match = startable.FirstOrDefault(s => s.Command is { } name && name.Equals(command.Target, StringComparison.OrdinalIgnoreCase))
            ?? startable.FirstOrDefault(s => s.WorkflowId.Equals(command.Target, StringComparison.OrdinalIgnoreCase));
        if (match is null) return Unknown(command.Target!, startable);
        if (match.TriggerNodeId is null)
        {
            return new ChatReply($"`{match.WorkflowId}` cannot be started from chat: it has no command or manual trigger. Add a trigger/command node to it in the canvas.");
        }

        // Starting needs the runner role in the workflow's workspace (README §Workspaces and roles).
        if (await roles.RefusalAsync(context.User, match.Workspace, Role.Runner, $"run `{match.WorkflowId}`", ct) is { } roleRefusal)
        {
            LogRefusedByRole(context.User, "run", match.WorkflowId);
            return new ChatReply(roleRefusal);
        }

        if (match.Allow is { } allow && !allow.Allows(context.User, context.Channel))
        {
            LogNotAllowed(match.WorkflowId, context.User, context.Channel);
            return new ChatReply($"You may not run `{command.Target}`: only {allow.Describe()} may. Ask one of them, or someone who can edit `{match.WorkflowId}` in the canvas.");
        }

        var workflow = await runStarter.FindAsync(match.WorkflowId, ct);
        StartOutcome outcome;
        try
        {
            outcome = await starter.StartAsync(
                context.Thread ?? context.Channel, workflow, match.TriggerNodeId, context.User,
                thread => command.ToTrigger(context.User, context.Channel, thread), ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A platform's refusal says what to do (e.g. invite the bot); anything else is in the host's log.
            var next = e is IChatPlatformError ? "" : " Try again; if it keeps failing, the host's log names the cause.";
            return new ChatReply($"`{match.WorkflowId}` could not be started: {e.Message}{next}");
        }
        if (outcome is StartOutcome.Refused refused) return new ChatReply(ChatRunStarter.Explain(match.WorkflowId, refused));
        var runId = outcome.StartedRunId!;
        var name = workflow.Document!.DisplayName;
        // The run is queued; its card is posted when the platform allows. A refusal for good is usually known at once.
        if (await starter.CardRefusalAsync(runId, ct) is { } refusal)
        {
            return new ChatReply(
                $"Started *{name}* (run `{runId}`), but its card could not be posted: {refusal} The run goes on: `/run status {runId}`, `/run cancel {runId}`.", runId);
        }
        return new ChatReply($"Started *{name}* (run `{runId}`); its card will appear in the thread.", runId);
    }

    private static ChatReply Unknown(string typed, IReadOnlyList<Startable> startable)
    {
        var names = startable.SelectMany(s => s.Command is { } c ? [s.WorkflowId, c] : new[] { s.WorkflowId });
        var closest = ClosestNames.Find(typed, names);
        var text = new StringBuilder($"There is no workflow `{typed}`.");
        if (closest.Count > 0) text.Append($" Did you mean {string.Join(" or ", closest.Select(n => $"`{n}`"))}?");
        text.Append(" Type `/run list` to see them all.");
        return new ChatReply(text.ToString());
    }

    private async Task<ChatReply> ListAsync(ChatCommandContext context, CancellationToken ct)
    {
        // Only what the person may start: the workflows of the workspaces they are a runner in.
        var allowed = new Dictionary<string, bool>(StringComparer.Ordinal);
        var startable = new List<Startable>();
        foreach (var s in await StartableAsync(context, ct))
        {
            if (!allowed.TryGetValue(s.Workspace, out var may)) allowed[s.Workspace] = may = await roles.RoleOfAsync(context.User, s.Workspace, ct) >= Role.Runner;
            if (may) startable.Add(s);
        }
        if (startable.Count == 0) return new ChatReply("There are no workflows yet. Draw one in the canvas, then start it here with `/run <workflow>`.");
        var text = new StringBuilder("*Workflows you can start*\n");
        foreach (var s in startable.Where(s => s.TriggerNodeId is not null))
        {
            var call = s.Command is { } command && !command.Equals(s.WorkflowId, StringComparison.OrdinalIgnoreCase) ? $"`/run {s.WorkflowId}` or `/run {command}`" : $"`/run {s.WorkflowId}`";
            text.Append($"{call}: {s.Name}{(s.Summary is { } summary ? $" — {summary}" : "")}\n");
        }
        return new ChatReply(text.ToString().TrimEnd());
    }

    private async Task<ChatReply> StatusAsync(string typed, bool asJson, ChatCommandContext context, CancellationToken ct)
    {
        var run = await FindRunAsync(typed, ct);
        if (run is null) return NoRun(typed);
        if (await roles.RefusalAsync(context.User, await roles.WorkspaceOfAsync(run, ct), Role.Viewer, $"see run `{run.Id}`", ct) is { } refusal)
        {
            LogRefusedByRole(context.User, "status", run.Id);
            return new ChatReply(refusal);
        }
        if (asJson) return new ChatReply(RunJson(run), run.Id);
        var document = await workflows.GetVersionAsync(run.WorkflowId, run.WorkflowVersion, ct);
        if (document is null) return new ChatReply($"Run `{run.Id}` is {run.Status.ToText()}; its workflow `{run.WorkflowId}` v{run.WorkflowVersion} is no longer stored.");
        return new ChatReply(ProgressText.Render(ProgressView.From(run, document, time.GetUtcNow()) with { RunPage = options.Value.RunPage(run.Id) }), run.Id);
    }

    /// <summary>The most JSON a <c>/run status &lt;run&gt; json</c> answer holds; the API has the rest.</summary>
    public const int MaxJsonLength = 2_500;

    // Cards show results as text (README §Progress cards); this is the JSON behind them: the run's status, result,
    // error and each node's output, cut to fit a chat message.
    private static string RunJson(StoredRun run)
    {
        var outputs = new JsonObject();
        foreach (var node in run.Nodes.Where(n => n.Output is not null)) outputs[node.NodeId] = JsonSerializer.SerializeToNode(node.Output);
        var json = new JsonObject
        {
            ["id"] = run.Id,
            ["workflowId"] = run.WorkflowId,
            ["status"] = run.Status.ToText(),
            ["result"] = run.Result is { } result ? JsonSerializer.SerializeToNode(result) : null,
            ["error"] = run.Error is { } error ? JsonSerializer.SerializeToNode(new { nodeId = error.NodeId, message = error.Message }) : null,
            ["outputs"] = outputs,
        }.ToJsonString(IndentedJson);
        var cut = json.Length > MaxJsonLength;
        if (cut) json = string.Concat(json.AsSpan(0, MaxJsonLength), "…");
        var text = $"Run `{run.Id}` as JSON:\n```\n{json.Replace("```", "`\u200b``", StringComparison.Ordinal)}\n```";
        return cut ? $"{text}\nCut at {ChatText.Count(MaxJsonLength)} characters; GET /api/runs/{run.Id} has all of it." : text;
    }

    private static readonly JsonSerializerOptions IndentedJson = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private async Task<ChatReply> CancelAsync(string typed, ChatCommandContext context, CancellationToken ct)
    {
        var run = await FindRunAsync(typed, ct);
        if (run is null) return NoRun(typed);
        if (run.Status.IsTerminal()) return new ChatReply($"Run `{run.Id}` has already {run.Status.ToText()}; there is nothing to cancel.", run.Id);
        // A runner cancels the runs they may (below); an editor or admin of the workflow's workspace cancels any.
        var workspace = await roles.WorkspaceOfAsync(run, ct);
        if (await roles.RefusalAsync(context.User, workspace, Role.Runner, $"cancel run `{run.Id}`", ct) is { } refusal)
        {
            LogRefusedByRole(context.User, "cancel", run.Id);
            return new ChatReply(refusal, run.Id);
        }
        var approvers = Approvers(await workflows.GetVersionAsync(run.WorkflowId, run.WorkflowVersion, ct));
        var admins = options.Value.Admins;
        if (context.User != run.StartedBy && !approvers.Contains(context.User) && !admins.Contains(context.User, StringComparer.Ordinal)
            && await roles.RoleOfAsync(context.User, workspace, ct) < Role.Editor)
        {
            LogCancelRefused(run.Id, context.User);
            var who = new List<string> { $"the person who started it ({run.StartedBy ?? "unknown"})" };
            if (approvers.Count > 0) who.Add($"the workflow's approvers ({string.Join(", ", approvers)})");
            who.Add("the ChatFlows admins");
            return new ChatReply($"You may not cancel run `{run.Id}`: only {string.Join(", ", who)} may. Ask one of them.", run.Id);
        }
        if (!await queue.CancelAsync(run.Id, ct)) return new ChatReply($"Run `{run.Id}` ended before it could be cancelled.", run.Id);
        LogCancelled(run.Id, context.User);
        await audit.AppendAsync(new AuditEntry(
            0, time.GetUtcNow(), WorkspaceIds.Default, context.User, AuditOrigin.SurfaceOfChat(context.Channel), AuditActions.RunCancelled, run.Id,
            $"workflow {run.WorkflowId}", null), CancellationToken.None);
        return new ChatReply($"Cancelling run `{run.Id}` of `{run.WorkflowId}`; its card shows when it stopped.", run.Id);
    }

    // The people named by the workflow's approval nodes; "anyone" and templates name nobody in particular.
    private static HashSet<string> Approvers(WorkflowDocument? document)
    {
        var approvers = new HashSet<string>(StringComparer.Ordinal);
        if (document is null) return approvers;
        foreach (var node in document.Nodes.Where(n => n.Type == NodeTypes.Approval))
        {
            if (node.Config["approvers"] is not System.Text.Json.Nodes.JsonArray list) continue;
            foreach (var item in list)
            {
                if (item is System.Text.Json.Nodes.JsonValue value && value.TryGetValue<string>(out var name)
                    && name != ApprovalRequest.Anyone && ApprovalNode.CheckApprover(name) is null)
                {
                    approvers.Add(name);
                }
            }
        }
        return approvers;
    }

    private static ChatReply NoRun(string typed) =>
        new($"There is no run `{typed}`. Copy the run id from its progress card, e.g. `/run status 0199a1b2`.");

    // A full id, or the first characters of a recent run's id (at least 6) when only one run starts with them.
    private async Task<StoredRun?> FindRunAsync(string typed, CancellationToken ct)
    {
        if (await runs.GetAsync(typed, ct) is { } exact) return exact;
        if (typed.Length < 6) return null;
        var recent = await runs.ListAsync(new RunQuery(Limit: RecentRunsSearched), ct);
        var matches = recent.Items.Where(r => r.Id.StartsWith(typed, StringComparison.OrdinalIgnoreCase)).Take(2).ToArray();
        return matches.Length == 1 ? await runs.GetAsync(matches[0].Id, ct) : null;
    }

    // Only the workflows of the workspaces bound to the channel (README §Workspaces and roles): another workspace's
    // workflow is unknown here, for starting, listing and suggesting alike.
    private async Task<IReadOnlyList<Startable>> StartableAsync(ChatCommandContext context, CancellationToken ct)
    {
        var seen = await workspaces.WorkspacesOfAsync(context.Channel, ct);
        var stored = await workflows.ListAsync(ct);
        return stored.Where(s => seen.Contains(s.Document.Workspace)).SelectMany(s => Startable.From(s.Document)).ToArray();
    }

    /// <summary>A way to start a workflow from chat: by its id, or by the name of one of its command triggers.</summary>
    private sealed record Startable(string WorkflowId, string Name, string? Summary, string? Command, string? TriggerNodeId, CommandAllow? Allow = null)
    {
        /// <summary>The workspace of the workflow, whose roles decide who may start it.</summary>
        public string Workspace { get; init; } = WorkspaceIds.Default;

        public static IEnumerable<Startable> From(WorkflowDocument document)
        {
            var triggers = document.Nodes.Where(n => n.Type == NodeTypes.Trigger).ToArray();
            var commands = triggers.Where(n => n.Kind == "command").ToArray();
            var manual = triggers.FirstOrDefault(n => n.Kind == "manual");
            var summary = document.Description is { Length: > 0 } d ? FirstSentence(d) : null;
            if (commands.Length == 0)
            {
                yield return new Startable(document.Id, document.DisplayName, summary, null, manual?.Id) { Workspace = document.Workspace };
                yield break;
            }
            foreach (var command in commands)
            {
                yield return new Startable(document.Id, document.DisplayName, summary, CommandName(command), command.Id, CommandAllow.Of(command)) { Workspace = document.Workspace };
            }
        }

        // Read leniently: a stored document that no longer validates is still listed, and refused when started.
        private static string? CommandName(WorkflowNode trigger) =>
            trigger.Config["command"] is System.Text.Json.Nodes.JsonValue value && value.TryGetValue<string>(out var name) ? name : null;

        private static string FirstSentence(string text)
        {
            var end = text.IndexOf(". ", StringComparison.Ordinal);
            return end < 0 ? text : text[..(end + 1)];
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{User} in {Channel} may not run {WorkflowId}: not in its command's allow list")]
    private partial void LogNotAllowed(string workflowId, string user, string channel);

    [LoggerMessage(Level = LogLevel.Information, Message = "{User} may not {Command} {Target}: their role in its workspace is too low")]
    private partial void LogRefusedByRole(string user, string command, string target);

    [LoggerMessage(Level = LogLevel.Information, Message = "{User} may not cancel run {RunId}: not its starter, an approver or an admin")]
    private partial void LogCancelRefused(string runId, string user);

    [LoggerMessage(Level = LogLevel.Information, Message = "Run {RunId} cancelled from chat by {User}")]
    private partial void LogCancelled(string runId, string user);
}
