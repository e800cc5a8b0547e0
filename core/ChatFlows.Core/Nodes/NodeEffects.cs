using System.Text.Json;
using ChatFlows.Core.Running;

namespace ChatFlows.Core.Nodes;

/// <summary>
/// The side effects one node of one run has recorded: a node that posts a message or sends a non-GET request
/// looks here first, and records what it did right after doing it, so that a re-execution after a crash does not
/// repeat it.
/// </summary>
public sealed class NodeEffects(IRunJournal journal, string runId, string nodeId)
{
    /// <summary>The value recorded under <paramref name="effect"/>, or null when the node has not done it yet.</summary>
    public ValueTask<JsonElement?> FindAsync(string effect, CancellationToken ct) => journal.FindEffectAsync(runId, nodeId, effect, ct);

    /// <summary>Records that the node did <paramref name="effect"/>; returns once it is stored durably.</summary>
    public ValueTask RecordAsync(string effect, JsonElement value, CancellationToken ct) => journal.RecordEffectAsync(runId, nodeId, effect, value, ct);
}
