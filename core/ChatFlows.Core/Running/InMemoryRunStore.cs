using System.Collections.Concurrent;
using System.Text.Json;

namespace ChatFlows.Core.Running;

/// <summary>
/// Keeps runs in memory: enough for the CLI and tests, where a waiting run is resumed by the same process. The
/// run state object is itself the journal, so node changes cost nothing here.
/// </summary>
public sealed class InMemoryRunStore : IRunJournal
{
    private readonly ConcurrentDictionary<string, RunState> _runs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string RunId, string NodeId, string Effect), JsonElement> _effects = new();

    /// <summary>The run with this id, if this process has seen it.</summary>
    public RunState? Find(string runId) => _runs.GetValueOrDefault(runId);

    /// <summary>Every run seen, newest last.</summary>
    public IReadOnlyList<RunState> All => _runs.Values.OrderBy(r => r.StartedAt).ToArray();

    /// <inheritdoc />
    public ValueTask RunChangedAsync(RunState run, CancellationToken ct)
    {
        if (run.Plan.ForgetsEnded(run.Status))
        {
            // Its workflow's history policy keeps no such run (docs/semantics.md §History policies).
            _runs.TryRemove(run.Id, out _);
            foreach (var key in _effects.Keys)
            {
                if (key.RunId == run.Id) _effects.TryRemove(key, out _);
            }
            return ValueTask.CompletedTask;
        }
        _runs[run.Id] = run;
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask NodeChangedAsync(RunState run, NodeRecord node, CancellationToken ct) => ValueTask.CompletedTask;

    /// <inheritdoc />
    public ValueTask<JsonElement?> FindEffectAsync(string runId, string nodeId, string effect, CancellationToken ct) =>
        ValueTask.FromResult<JsonElement?>(_effects.TryGetValue((runId, nodeId, effect), out var value) ? value : null);

    /// <inheritdoc />
    public ValueTask RecordEffectAsync(string runId, string nodeId, string effect, JsonElement value, CancellationToken ct)
    {
        _effects[(runId, nodeId, effect)] = value;
        return ValueTask.CompletedTask;
    }
}
