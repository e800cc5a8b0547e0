using System.Collections.Concurrent;
using System.Text.Json;
using ChatFlows.Core.Running;

namespace ChatFlows.Core.Testing;

// A tested node records its effects here, in memory and under its own test id, so that nothing a test does reaches
// any run's journal or node_effects (README §Test a node).
internal sealed class NodeTestJournal : IRunJournal
{
    private readonly ConcurrentDictionary<(string, string, string), JsonElement> _effects = new();

    public ValueTask RunChangedAsync(RunState run, CancellationToken ct) => ValueTask.CompletedTask;

    public ValueTask NodeChangedAsync(RunState run, NodeRecord node, CancellationToken ct) => ValueTask.CompletedTask;

    public ValueTask<JsonElement?> FindEffectAsync(string runId, string nodeId, string effect, CancellationToken ct) =>
        new(_effects.TryGetValue((runId, nodeId, effect), out var value) ? value : null);

    public ValueTask RecordEffectAsync(string runId, string nodeId, string effect, JsonElement value, CancellationToken ct)
    {
        _effects[(runId, nodeId, effect)] = value;
        return ValueTask.CompletedTask;
    }
}
