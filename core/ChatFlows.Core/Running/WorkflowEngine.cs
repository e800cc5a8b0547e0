using ChatFlows.Core.Documents;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Secrets;
using Microsoft.Extensions.Logging;

namespace ChatFlows.Core.Running;

/// <summary>
/// The engine every trigger and chat adapter uses: compiles documents, starts runs from <see cref="RunRequest"/>s,
/// resumes waiting runs and publishes <see cref="RunEvent"/>s.
/// </summary>
public sealed class WorkflowEngine
{
    private readonly GraphRunner _runner;
    private readonly TimeProvider _time;

    /// <summary>
    /// Creates an engine over a journal (in memory or SQLite); credential fields resolve <c>{{ secrets.NAME }}</c>
    /// from <paramref name="secrets"/> when a node uses them. A node output larger than <paramref name="maxOutputBytes"/> is
    /// stored as a truncated preview (README §Bounded outputs).
    /// </summary>
    public WorkflowEngine(
        NodeRegistry registry, IRunJournal journal, TimeProvider time, RunEventStream? events = null, ILoggerFactory? loggerFactory = null,
        Random? random = null, SecretVault? secrets = null, int maxOutputBytes = RunWorkerOptions.DefaultMaxOutputBytes)
    {
        Registry = registry;
        Events = events ?? new RunEventStream();
        _time = time;
        _runner = new GraphRunner(time, journal, Events, loggerFactory?.CreateLogger<GraphRunner>(), random, secrets, maxOutputBytes);
    }

    /// <summary>The node kinds this engine runs.</summary>
    public NodeRegistry Registry { get; }

    /// <summary>Every run's events.</summary>
    public RunEventStream Events { get; }

    /// <summary>Every problem with a document; empty when it can run.</summary>
    public IReadOnlyList<ValidationProblem> Validate(WorkflowDocument document) => new WorkflowValidator(Registry).Validate(document);

    /// <summary>Compiles a document; throws <see cref="WorkflowValidationException"/> when it is not valid.</summary>
    public WorkflowPlan Compile(WorkflowDocument document) => WorkflowPlan.Compile(document, Registry);

    /// <summary>A new, sortable run id.</summary>
    public static string NewRunId() => Guid.CreateVersion7().ToString("N");

    /// <summary>Starts a run and executes it until it ends or waits.</summary>
    public Task<RunState> StartAsync(WorkflowPlan plan, RunRequest request, CancellationToken ct = default) =>
        _runner.ExecuteAsync(new RunState(plan, request, request.RunId ?? NewRunId()), null, ct);

    /// <summary>Continues a run: wakes the node waiting on the resumption's bookmark and runs until it ends or waits again.</summary>
    public Task<RunState> ResumeAsync(RunState run, Resumption resumption, CancellationToken ct = default) =>
        _runner.ExecuteAsync(run, resumption, ct);

    /// <summary>Continues a run loaded from its journal after an interruption (nodes that were running start again).</summary>
    public Task<RunState> ContinueAsync(RunState run, CancellationToken ct = default) => _runner.ExecuteAsync(run, null, ct);

    /// <summary>
    /// Starts a run and sees it through timed waits (long delays) in this process, as the CLI does. When the run waits
    /// on something only a person can resume (an approval), <paramref name="askPerson"/> may give the resumption;
    /// without it, or when it gives none, the waiting run is returned.
    /// </summary>
    public async Task<RunState> RunToEndAsync(
        WorkflowPlan plan, RunRequest request, CancellationToken ct = default, Func<RunState, NodeRecord, CancellationToken, Task<Resumption?>>? askPerson = null)
    {
        var run = await StartAsync(plan, request, ct);
        while (run.Status == RunStatus.Waiting)
        {
            var waiting = run.Nodes.Where(n => n.Status == NodeStatus.Waiting).ToArray();
            if (waiting.FirstOrDefault(n => n.WakeAt is null || n.Bookmark == ApprovalNode.Bookmark) is { } person)
            {
                var answer = askPerson is null ? null : await askPerson(run, person, ct);
                if (answer is null) return run;
                run = await ResumeAsync(run, answer, ct);
                continue;
            }
            var due = waiting.MinBy(n => n.WakeAt)!;
            var delay = due.WakeAt!.Value - _time.GetUtcNow();
            try
            {
                if (delay > TimeSpan.Zero) await Task.Delay(delay, _time, ct);
            }
            catch (OperationCanceledException)
            {
                // Record the cancellation in the run rather than leaving it waiting.
                return await _runner.ExecuteAsync(run, null, ct);
            }
            run = await ResumeAsync(run, new Resumption(due.Bookmark!, null, due.NodeId), ct);
        }
        return run;
    }
}
