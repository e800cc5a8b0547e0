using System.Text.Json;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;
using ChatFlows.Core.Secrets;

namespace ChatFlows.Core.Testing;

/// <summary>
/// Runs ONE node of a workflow on its own (README §Test a node): compiled through the same registry as a run (same
/// sandbox, same secrets, same redaction), against a <c>trigger</c> and <c>data</c> given by the caller, without a
/// run, a journal row or a retry. Nothing is posted to chat, a delay does not wait and no sub-workflow starts
/// (<see cref="NodeContext.IsTest"/>); effects a confirmed node records stay in memory under a test id, never in
/// any run's journal. A node that does something outside the run (<see cref="NodeKind.SideEffect"/>) runs only when
/// the caller confirmed it.
/// </summary>
public sealed class NodeTester(NodeRegistry registry, TimeProvider time, SecretVault? secrets = null)
{
    /// <summary>How long a tested node may take when it sets no timeout of its own.</summary>
    public TimeSpan DefaultTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>The kind of the node with this id in <paramref name="document"/>; null when there is no such node or kind.</summary>
    public NodeKind? KindOf(WorkflowDocument document, string nodeId) =>
        document.Nodes.FirstOrDefault(n => n.Id == nodeId) is { } node ? registry.Find(node) : null;

    /// <summary>
    /// Tests the node <paramref name="nodeId"/>. Throws <see cref="WorkflowValidationException"/> with that node's own
    /// problems when its config does not compile (problems elsewhere in the document do not stop the test), and
    /// <see cref="InvalidOperationException"/> for a side-effect node that was not <paramref name="confirmed"/>.
    /// </summary>
    public async Task<NodeTestResult> TestAsync(
        WorkflowDocument document, string nodeId, NodeTestInputs inputs, bool confirmed, string? startedBy = null, CancellationToken ct = default)
    {
        var index = document.Nodes.ToList().FindIndex(n => n.Id == nodeId);
        if (index < 0) throw new ArgumentException($"Workflow '{document.Id}' has no node '{nodeId}'.", nameof(nodeId));
        var node = document.Nodes[index];
        var check = new WorkflowValidator(registry).Check(document);
        if (check.Kinds[index] is not { } kind || check.Handlers[index] is not { } handler)
        {
            var path = $"nodes/{nodeId}";
            var own = check.Problems.Where(p => p.Path == path || p.Path.StartsWith(path + "/", StringComparison.Ordinal)).ToArray();
            throw new WorkflowValidationException(document.Id, own);
        }
        if (kind.SideEffect is { } effect && !confirmed)
        {
            throw new InvalidOperationException($"This node {effect}; a test runs it only when confirmed.");
        }

        var testId = "test-" + WorkflowEngine.NewRunId();
        var request = new RunRequest { RunId = testId, Trigger = inputs.Trigger, StartedBy = startedBy };
        var scope = new NodeTestScope(inputs.Trigger, DataOf(document, inputs.Nodes), RunOf(testId, document.Id, startedBy), secrets, document.Workspace);
        var context = new NodeContext
        {
            RunId = testId,
            WorkflowId = document.Id,
            Workspace = document.Workspace,
            Node = node,
            Scope = scope,
            Attempt = 1,
            Time = time,
            Request = request,
            Journal = new NodeTestJournal(),
            IsTest = true,
        };
        var timeout = node.Timeout is { } text && IsoDuration.TryParse(text, out var set) ? set : DefaultTimeout;
        var started = time.GetTimestamp();
        try
        {
            using var timeoutCts = new CancellationTokenSource(timeout, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeoutCts.Token);
            NodeResult result;
            try
            {
                result = await handler.RunAsync(context, linked.Token).AsTask().WaitAsync(linked.Token);
            }
            catch (OperationCanceledException) when (timeoutCts.IsCancellationRequested && !ct.IsCancellationRequested)
            {
                throw new NodeException($"Timed out after {GraphRunner.Describe(timeout)}.");
            }
            var elapsed = time.GetElapsedTime(started).TotalMilliseconds;
            var output = scope.Secrets.Redact(result.Output);
            return result.Outcome == NodeOutcome.Waiting
                ? new NodeTestResult(nodeId, kind.Name, "waiting", output, null, null, elapsed, result.Bookmark)
                : new NodeTestResult(nodeId, kind.Name, "succeeded", output, result.Port, null, elapsed, null);
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && ct.IsCancellationRequested))
        {
            return new NodeTestResult(nodeId, kind.Name, "failed", null, null, scope.Secrets.Redact(GraphRunner.Describe(ex)), time.GetElapsedTime(started).TotalMilliseconds, null);
        }
    }

    // data as a run would hold it: each node's output under its output key (a node id the document lacks keeps its id).
    private static Dictionary<string, JsonElement> DataOf(WorkflowDocument document, IReadOnlyDictionary<string, JsonElement> nodes)
    {
        var keys = document.Nodes.ToDictionary(n => n.Id, n => n.OutputKey, StringComparer.Ordinal);
        var data = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var (id, output) in nodes) data[keys.GetValueOrDefault(id, id)] = output;
        return data;
    }

    private static JsonElement RunOf(string id, string workflowId, string? startedBy) =>
        JsonSerializer.SerializeToElement(new { id, workflow = workflowId, startedBy, thread = (string?)null });
}
