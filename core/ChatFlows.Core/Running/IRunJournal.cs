using System.Text.Json;

namespace ChatFlows.Core.Running;

/// <summary>
/// Where the engine records a run as it goes: every node start and finish and every run status change, in order,
/// before the run moves on. A durable store implements it so that a run can resume from its journal.
/// </summary>
public interface IRunJournal
{
    /// <summary>The run's status, result or error changed.</summary>
    ValueTask RunChangedAsync(RunState run, CancellationToken ct);

    /// <summary>A node started, failed an attempt, finished, was skipped or began waiting.</summary>
    ValueTask NodeChangedAsync(RunState run, NodeRecord node, CancellationToken ct);

    /// <summary>What a node recorded having done (a message it posted), if it recorded <paramref name="effect"/> before.</summary>
    ValueTask<JsonElement?> FindEffectAsync(string runId, string nodeId, string effect, CancellationToken ct);

    /// <summary>
    /// Records durably, before returning, what a node did outside the run, so that executing the node again after a
    /// crash does not do it twice (docs/semantics.md).
    /// </summary>
    ValueTask RecordEffectAsync(string runId, string nodeId, string effect, JsonElement value, CancellationToken ct);
}
