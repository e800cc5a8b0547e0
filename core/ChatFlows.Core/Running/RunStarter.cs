using System.Text.Json;
using System.Text.Json.Nodes;
using ChatFlows.Core.Audit;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Storage;

namespace ChatFlows.Core.Running;

/// <summary>
/// The one place a run is started from a trigger: chat commands and message triggers, webhooks, Play and the runs
/// API, schedules, sub-workflows. It finds the workflow's current plan, checks the trigger and payload, and stores
/// and queues the run; anything that stops it comes back as <see cref="StartOutcome.Refused"/> naming each problem
/// with its path, so that every entry point can say what to fix (README §HTTP API, §Webhooks, §The Playground and chat commands) instead of failing.
/// A start that names its <see cref="StartOptions.Origin"/> is recorded in the audit log (README §Audit log).
/// </summary>
public sealed class RunStarter(WorkflowPlans plans, IWorkflowStore workflows, RunQueue queue, IRunStore store, IAuditLog? audit = null, TimeProvider? time = null)
{
    /// <summary>Finds a workflow's current plan, or why it cannot start (no such workflow, no longer valid).</summary>
    public async Task<StartTarget> FindAsync(string workflowId, CancellationToken ct = default)
    {
        try
        {
            if (await plans.GetCurrentAsync(workflowId, ct) is { } plan) return new StartTarget(workflowId, plan.Document, plan, []);
        }
        catch (WorkflowValidationException ex)
        {
            // Saved before a rule it breaks existed, or before an agent it uses was deleted.
            var document = (await workflows.GetAsync(workflowId, ct))?.Document;
            return new StartTarget(workflowId, document, null, Invalid(workflowId, ex.Problems));
        }
        return new StartTarget(workflowId, null, null, [new StartProblem(StartProblemKind.UnknownWorkflow, "workflowId", $"There is no workflow '{workflowId}'.")]);
    }

    /// <summary>Starts the current version of <paramref name="workflowId"/> with <paramref name="request"/>.</summary>
    public async Task<StartOutcome> StartAsync(string workflowId, RunRequest request, StartOptions? options = null, CancellationToken ct = default) =>
        await StartAsync(await FindAsync(workflowId, ct), request, options, ct);

    /// <summary>Starts <paramref name="target"/> (from <see cref="FindAsync"/>) with <paramref name="request"/>.</summary>
    public async Task<StartOutcome> StartAsync(StartTarget target, RunRequest request, StartOptions? options = null, CancellationToken ct = default)
    {
        options ??= StartOptions.Default;
        Task? appended = null;
        // The run is stored and runs whatever happens to the caller: its entry is written regardless of the caller's token.
        Action<string>? record = options.Origin is { } origin && audit is not null && IsAudited(target, origin)
            ? runId => appended = audit.AppendAsync(new AuditEntry(
                0, (time ?? TimeProvider.System).GetUtcNow(), target.Document?.Workspace ?? Workspaces.WorkspaceIds.Default, origin.Actor, origin.Surface,
                AuditActions.RunStarted, runId, $"workflow {target.WorkflowId}", origin.Address), CancellationToken.None)
            : null;
        var outcome = await QueueAsync(target, request, options, record, ct);
        // A run stored only at its end had its entry recorded while it was held, to be stored with it; any other run is
        // stored by now, and its entry follows.
        if (record is not null && appended is null && outcome.StartedRunId is { } started) record(started);
        if (appended is null) return outcome;
        // A caller waiting for the run waits for its entry too, written meanwhile rather than before the run goes on.
        if (outcome is StartOutcome.AwaitingResponse awaiting) return awaiting with { Settled = AfterAsync(appended, awaiting.Settled) };
        await appended;
        return outcome;
    }

    // A webhook call is a machine, not a person: a workflow that keeps only failures or nothing of its runs (README
    // §History policies) keeps no year-long audit row per call either. Starts by people are always audited.
    private static bool IsAudited(StartTarget target, AuditOrigin origin) =>
        origin.Surface != AuditSurfaces.Webhook || target.Plan is not { } plan || plan.History == HistoryPolicies.All;

    private static async Task<RunState> AfterAsync(Task appended, Task<RunState> settled)
    {
        await appended;
        return await settled;
    }

    private async Task<StartOutcome> QueueAsync(StartTarget target, RunRequest request, StartOptions options, Action<string>? record, CancellationToken ct)
    {
        if (target.Plan is not { } plan) return new StartOutcome.Refused(target.Problems);
        // A chat start gives its payload when it is announced (it holds the run's thread), so its arguments are checked then.
        var problems = options.Announce is null ? Admit(plan, request, out request) : CheckTrigger(plan, request, out _);
        if (problems.Count > 0) return new StartOutcome.Refused(problems);

        var runId = request.RunId ?? WorkflowEngine.NewRunId();
        request = request with { RunId = runId };
        if (options.Announce is { } announce)
        {
            request = await announce(new StartingRun(runId, plan, request), ct) with { RunId = runId };
            if (Admit(plan, request, out request) is { Count: > 0 } invalid) return new StartOutcome.Refused(invalid);
        }

        if (options.Tick is { } tick)
        {
            if (!await store.EnqueueScheduledAsync(tick, new RunState(plan, request, runId), ct))
            {
                return new StartOutcome.Refused([new StartProblem(
                    StartProblemKind.AlreadyStarted, "trigger", $"The tick of {tick.DueAt:O} of trigger '{tick.TriggerId}' was already claimed; its run is the one.")]);
            }
            queue.WakeForClaims();
            return new StartOutcome.Started(runId);
        }

        if (options.Claim is { } claim)
        {
            if (!await store.EnqueueClaimedAsync(claim, new RunState(plan, request, runId), ct))
            {
                return new StartOutcome.Refused([new StartProblem(
                    StartProblemKind.AlreadyStarted, "trigger", $"The event '{claim.Key}' of {claim.Source} already started a run; its run is the one.")]);
            }
            queue.WakeForClaims();
            return new StartOutcome.Started(runId);
        }

        // A caller waiting for the answer of a run that does nothing outside itself is answered after one commit, of
        // the whole run, instead of two (README §Webhooks).
        var queued = options.AwaitResponse && plan.IsPure && request.ReplayOf is null
            ? queue.EnqueueObservedPure(plan, request, record)
            : await queue.EnqueueAsync(plan, request, observe: options.AwaitResponse, ct);
        return queued.Settled is { } settled ? new StartOutcome.AwaitingResponse(queued.RunId, settled) : new StartOutcome.Started(queued.RunId);
    }

    /// <summary>
    /// What stops <paramref name="request"/> from starting <paramref name="plan"/>: a trigger it does not have, a
    /// payload that is not a JSON object (webhook bodies and sub-workflow inputs are taken as they are), or arguments
    /// that do not fit the manual trigger's input schema.
    /// </summary>
    public static IReadOnlyList<StartProblem> Check(WorkflowPlan plan, RunRequest request) => Admit(plan, request, out _);

    /// <summary>
    /// <see cref="Check"/>, and the request to run with: when the manual trigger has an input schema (README §Workflow
    /// inputs), <c>trigger.args</c> is checked against it, text turned into the types it asks for and defaults filled in.
    /// </summary>
    public static IReadOnlyList<StartProblem> Admit(WorkflowPlan plan, RunRequest request, out RunRequest admitted)
    {
        admitted = request;
        if (CheckTrigger(plan, request, out var trigger) is { Count: > 0 } problems) return problems;
        if (plan.Nodes[trigger].Handler is not Nodes.ManualTrigger { Input: { } schema }) return [];

        if (JsonNode.Parse(request.Trigger.GetRawText(), documentOptions: StrictJson.StoredOptions) is not JsonObject payload)
        {
            return [new StartProblem(StartProblemKind.InvalidInput, "args", "This workflow takes named inputs: give them as args in an object, like {\"args\": {\"service\": \"api\"}}.")];
        }
        var invalid = schema.Admit(payload["args"], out var args);
        if (invalid.Count > 0) return invalid.Select(p => new StartProblem(StartProblemKind.InvalidInput, p.Path, p.Message)).ToArray();
        payload["args"] = args;
        admitted = request with { Trigger = JsonSerializer.SerializeToElement(payload) };
        return [];
    }

    private static IReadOnlyList<StartProblem> CheckTrigger(WorkflowPlan plan, RunRequest request, out int trigger)
    {
        var problems = new List<StartProblem>();
        try
        {
            trigger = plan.StartingTrigger(request.TriggerNodeId);
        }
        catch (ArgumentException ex)
        {
            trigger = -1;
            problems.Add(new StartProblem(StartProblemKind.UnknownTrigger, "trigger", ex.Message.Replace($" (Parameter '{ex.ParamName}')", "", StringComparison.Ordinal)));
            return problems;
        }
        if (trigger < 0)
        {
            problems.Add(new StartProblem(StartProblemKind.UnknownTrigger, "trigger", $"Workflow '{plan.Document.Id}' has no trigger; add one in the canvas."));
            return problems;
        }
        var takesAnything = plan.Nodes[trigger].Kind.Kind == WebhookTriggers.Kind || request.ParentRunId is not null;
        if (!takesAnything && request.Trigger.ValueKind != JsonValueKind.Object)
        {
            problems.Add(new StartProblem(
                StartProblemKind.InvalidPayload, "payload",
                $"The trigger payload must be a JSON object (it becomes `trigger` in the run), not {Describe(request.Trigger.ValueKind)}."));
        }
        return problems;
    }

    /// <summary>Validates and compiles a document that is not stored (the command line); refused when it is not valid.</summary>
    public static StartTarget Prepare(WorkflowDocument document, Func<WorkflowDocument, WorkflowPlan> compile)
    {
        try
        {
            var plan = compile(document);
            return new StartTarget(document.Id, document, plan, []);
        }
        catch (WorkflowValidationException ex)
        {
            return new StartTarget(document.Id, document, null, Invalid(document.Id, ex.Problems));
        }
    }

    private static StartProblem[] Invalid(string workflowId, IReadOnlyList<ValidationProblem> problems) =>
        problems.Count == 0
            ? [new StartProblem(StartProblemKind.InvalidWorkflow, "", $"Workflow '{workflowId}' no longer validates; open it in the canvas and save it again.")]
            : problems.Select(p => new StartProblem(StartProblemKind.InvalidWorkflow, p.Path, p.Message)).ToArray();

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };
}
