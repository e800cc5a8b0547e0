using System.Text.Json;
using ChatFlows.Core.Running;

namespace ChatFlows.Bench;

/// <summary>A journal that keeps nothing, so memory stays flat over millions of runs (InMemoryRunStore keeps every run).</summary>
public sealed class NullRunJournal : IRunJournal
{
    public ValueTask RunChangedAsync(RunState run, CancellationToken ct) => ValueTask.CompletedTask;

    public ValueTask NodeChangedAsync(RunState run, NodeRecord node, CancellationToken ct) => ValueTask.CompletedTask;

    public ValueTask<JsonElement?> FindEffectAsync(string runId, string nodeId, string effect, CancellationToken ct) => ValueTask.FromResult<JsonElement?>(null);

    public ValueTask RecordEffectAsync(string runId, string nodeId, string effect, JsonElement value, CancellationToken ct) => ValueTask.CompletedTask;
}
