using System.Text.Json;
using ChatFlows.Core.Audit;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;
using ChatFlows.Core.Storage;
using ChatFlows.Core.Tests.Running;
using Dapper;

namespace ChatFlows.Core.Tests.Storage;

// Runs stored in one commit at their end (README §Webhooks): a synchronous webhook run of pure nodes.
public abstract partial class RunStoreCompliance
{
    [Fact]
    public async Task Defer_RunToEnd_IsNotStoredWhileItRunsAndIsStoredWholeWhenItEnds()
    {
        var plan = Plan(["a", "b"], ["start->a", "a->b"]);
        var run = NewRun(plan, """{"n": 2}""");
        StoredRun? whileRunning = null;
        _probes.On("b", async (context, ct) =>
        {
            whileRunning = await _store.GetAsync(context.RunId, ct);
            return NodeResult.Success(JsonSerializer.SerializeToElement("b"));
        });
        _store.Defer(run, "me", _time.GetUtcNow().AddMinutes(1));

        await Engine().ContinueAsync(run);
        var stored = await _store.GetAsync(run.Id);

        Assert.Null(whileRunning);
        Assert.NotNull(stored);
        Assert.Equal(RunStatus.Succeeded, stored.Status);
        Assert.Equal(2, stored.Trigger.GetProperty("n").GetInt32());
        Assert.Equal(["a", "b", "start"], stored.Nodes.Select(n => n.NodeId).Order());
        Assert.All(stored.Nodes, n => Assert.Equal((NodeStatus.Succeeded, 1), (n.Status, n.Attempts)));
        Assert.Equal("\"b\"", stored.Nodes.Single(n => n.NodeId == "b").Output!.Value.GetRawText());
        Assert.Equal(_time.GetUtcNow(), stored.FinishedAt);
    }

    [Fact]
    public async Task Defer_RunOfAWorkflowThatKeepsNoHistory_IsNeverWritten()
    {
        var plan = WorkflowPlan.Compile(Workflows.Build(["a", "b"], ["start->a", "a->b"]) with { History = HistoryPolicies.None }, _probes.Registry);
        var run = NewRun(plan);
        await _store.FlushAsync();
        var rowsBefore = _store.RowsWritten;
        _store.Defer(run, "me", _time.GetUtcNow().AddMinutes(1));

        var ended = await Engine().ContinueAsync(run);
        await _store.FlushAsync();

        Assert.Equal(RunStatus.Succeeded, ended.Status);
        Assert.Null(await _store.GetAsync(run.Id));
        Assert.Equal(rowsBefore, _store.RowsWritten);
    }

    [Fact]
    public async Task Defer_NodeRecordsAnEffect_TheRunIsStoredBeforeTheEffectAndEndsStoredWhole()
    {
        var plan = Plan(["a", "b"], ["start->a", "a->b"]);
        var run = NewRun(plan);
        StoredRun? afterEffect = null;
        _probes.On("b", async (context, ct) =>
        {
            await context.Effects.RecordAsync("sent", JsonSerializer.SerializeToElement("once"), ct);
            afterEffect = await _store.GetAsync(context.RunId, ct);
            return NodeResult.Success(JsonSerializer.SerializeToElement("b"));
        });
        _store.Defer(run, "me", _time.GetUtcNow().AddMinutes(1));

        await Engine().ContinueAsync(run);
        await _store.FlushAsync();
        var stored = (await _store.GetAsync(run.Id))!;

        Assert.NotNull(afterEffect);
        Assert.Equal(NodeStatus.Succeeded, afterEffect.Nodes.Single(n => n.NodeId == "a").Status);
        Assert.Equal(RunStatus.Succeeded, stored.Status);
        Assert.Equal(["a", "b", "start"], stored.Nodes.Select(n => n.NodeId).Order());
        Assert.Equal("\"once\"", (await _store.FindEffectAsync(run.Id, "b", "sent", CancellationToken.None))!.Value.GetRawText());
    }

    [Fact]
    public async Task StoreDeferredAsync_RunNotEnded_StoresItAsItIsAndItsEndLater()
    {
        var plan = Plan(["a", "b"], ["start->a", "a->b"]);
        var run = NewRun(plan);
        StoredRun? storedEarly = null;
        _probes.On("b", async (context, ct) =>
        {
            // What a webhook whose caller stopped waiting does before it hands out the run's id.
            await _store.StoreDeferredAsync(context.RunId, ct);
            storedEarly = await _store.GetAsync(context.RunId, ct);
            return NodeResult.Success(JsonSerializer.SerializeToElement("b"));
        });
        _store.Defer(run, "me", _time.GetUtcNow().AddMinutes(1));

        await Engine().ContinueAsync(run);
        await _store.FlushAsync();
        var stored = (await _store.GetAsync(run.Id))!;

        Assert.NotNull(storedEarly);
        Assert.False(storedEarly.Status.IsTerminal());
        Assert.Equal(RunStatus.Succeeded, stored.Status);
        Assert.Equal(["a", "b", "start"], stored.Nodes.Select(n => n.NodeId).Order());
        Assert.All(stored.Nodes, n => Assert.Equal(NodeStatus.Succeeded, n.Status));
    }

    [Fact]
    public async Task Defer_RunStoredAtItsEnd_ReadsBackAsTheSameRunStoredAsItGoes()
    {
        var plan = Plan(["a", """{"id": "done", "type": "output", "config": {"kind": "end", "value": {"total": "{{ trigger.n | times: 2 }}"}}}"""], ["start->a", "a->done"]);
        var request = new RunRequest
        {
            Trigger = JsonDocument.Parse("""{"n": 21}""").RootElement.Clone(),
            StartedBy = "webhook:orders",
            Thread = "C42",
            TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        };
        var journaled = new RunState(plan, request, WorkflowEngine.NewRunId());
        var deferred = new RunState(plan, request, WorkflowEngine.NewRunId());
        var audit = new DatabaseAuditLog(Database, _store);

        await _store.EnqueueAsync(journaled, "me", _time.GetUtcNow().AddMinutes(1));
        await Engine().ContinueAsync(journaled);
        await _store.ReleaseAsync(journaled.Id, "me");
        await audit.AppendAsync(Started(journaled.Id));
        _store.Defer(deferred, "me", _time.GetUtcNow().AddMinutes(1));
        await Engine().ContinueAsync(deferred);
        await _store.ReleaseAsync(deferred.Id, "me");
        await audit.AppendAsync(Started(deferred.Id));
        await _store.FlushAsync();

        var expected = (await _store.GetAsync(journaled.Id))!;
        var stored = (await _store.GetAsync(deferred.Id))!;
        Assert.Equal(RunStatus.Succeeded, stored.Status);
        Assert.Equal("""{"total":42}""", stored.Result!.Value.GetRawText());
        Assert.Equal(Shape(expected), Shape(stored));
        Assert.Equal(Nodes(expected), Nodes(stored));
        Assert.Equal(NoLease, await LeaseAsync(journaled.Id));
        Assert.Equal(NoLease, await LeaseAsync(deferred.Id));
        var now = _time.GetUtcNow().AddMinutes(5);
        Assert.Empty(await Open().ClaimAsync("other", 10, now, now.AddMinutes(1)));
        Assert.Single((await audit.ListAsync(new AuditQuery(Target: deferred.Id))).Items);

        static object Shape(StoredRun run) => new
        {
            run.WorkflowId,
            run.WorkflowVersion,
            run.Workspace,
            run.Status,
            run.TriggerNodeId,
            Trigger = run.Trigger.GetRawText(),
            run.StartedBy,
            run.Thread,
            run.CreatedAt,
            run.StartedAt,
            run.FinishedAt,
            run.Error,
            Result = run.Result?.GetRawText(),
            run.CancelRequested,
            run.LeaseEpoch,
            run.TraceParent,
        };
        static string[] Nodes(StoredRun run) =>
        [
            .. run.Nodes.OrderBy(n => n.NodeId, StringComparer.Ordinal)
                .Select(n => $"{n.NodeId} {n.Status} {n.Attempts} {n.StartedAt:O} {n.FinishedAt:O} {n.Output?.GetRawText()} {n.Error} {n.Port} {n.Bookmark}"),
        ];
        AuditEntry Started(string runId) => new(0, _time.GetUtcNow(), "default", "webhook:orders", AuditSurfaces.Webhook, AuditActions.RunStarted, runId, null, null);
    }

    [Fact]
    public async Task Defer_RunWhoseIdIsAlreadyStored_IsRefusedAndChangesNothingOfTheStoredRun()
    {
        var stored = NewRun(Plan(["a"], ["start->a"]));
        await Open().EnqueueAsync(stored, "first", _time.GetUtcNow().AddMinutes(1));
        var before = (await _store.GetAsync(stored.Id))!;
        var again = new RunState(Plan(["x", "y"], ["start->x", "x->y"]), stored.Request, stored.Id);
        _store.Defer(again, "me", _time.GetUtcNow().AddMinutes(1));

        var refused = await Record.ExceptionAsync(() => Engine().ContinueAsync(again));
        await _store.FlushAsync();
        var after = (await _store.GetAsync(stored.Id))!;

        Assert.IsType<RunAlreadyStoredException>(refused);
        Assert.Equal((RunStatus.Queued, before.StartedAt, before.FinishedAt, before.LeaseEpoch), (after.Status, after.StartedAt, after.FinishedAt, after.LeaseEpoch));
        Assert.Empty(after.Nodes);
        Assert.Equal("first", (await LeaseAsync(stored.Id)).Owner);
    }

    [Fact]
    public async Task Defer_StartEntryAppendedWhileHeld_IsStoredInTheRunsCommitOrNotAtAll()
    {
        var plan = Plan(["a"], ["start->a"]);
        var kept = NewRun(plan);
        var dropped = NewRun(plan);
        var audit = new DatabaseAuditLog(Database, _store);
        _store.Defer(kept, "me", _time.GetUtcNow().AddMinutes(1));
        _store.Defer(dropped, "me", _time.GetUtcNow().AddMinutes(1));

        // Appended while the runs are held: nothing is written until the run is.
        var keptEntry = audit.AppendAsync(Started(kept.Id));
        var droppedEntry = audit.AppendAsync(Started(dropped.Id));
        await _store.FlushAsync();
        Assert.Empty((await audit.ListAsync(new AuditQuery(Action: AuditActions.RunStarted))).Items);
        Assert.False(keptEntry.IsCompleted);

        await Engine().ContinueAsync(kept);
        await keptEntry;
        Assert.True(_store.DropDeferred(dropped.Id));
        await droppedEntry;
        await _store.FlushAsync();

        Assert.NotNull(await _store.GetAsync(kept.Id));
        Assert.Null(await _store.GetAsync(dropped.Id));
        Assert.Equal([kept.Id], (await audit.ListAsync(new AuditQuery(Action: AuditActions.RunStarted))).Items.Select(e => e.Target));

        AuditEntry Started(string runId) => new(0, _time.GetUtcNow(), "default", "webhook", AuditSurfaces.Webhook, AuditActions.RunStarted, runId, null, null);
    }

    private static readonly (string? Owner, long? Until) NoLease = (null, null);

    // Who holds the run's lease, and until when, as stored.
    private async Task<(string? Owner, long? Until)> LeaseAsync(string runId)
    {
        await using var connection = await Database.OpenAsync();
        return await connection.QuerySingleAsync<(string?, long?)>("select lease_owner, lease_expires_at from runs where id = @Id", new { Id = runId });
    }

    [Fact]
    public async Task DropDeferred_RunInterruptedBeforeItsEnd_LeavesNothingToReadOrClaim()
    {
        var run = NewRun(Plan(["a"], ["start->a"]));
        _store.Defer(run, "me", _time.GetUtcNow().AddMinutes(1));

        var dropped = _store.DropDeferred(run.Id);
        await _store.ReleaseAsync(run.Id, "me");
        await _store.FlushAsync();
        var now = _time.GetUtcNow().AddMinutes(5);

        Assert.True(dropped);
        Assert.False(_store.DropDeferred(run.Id));
        Assert.Null(await _store.GetAsync(run.Id));
        Assert.Empty(await _store.ClaimAsync("other", 10, now, now.AddMinutes(1)));
    }
}
