using System.Collections.Concurrent;

namespace ChatFlows.Core.Running;

/// <summary>
/// Keeps runs in memory: enough for the CLI and tests, where a waiting run is resumed by the same process. The
/// run state object is itself the journal, so node changes cost nothing here.
/// </summary>
public sealed class InMemoryRunStore : IRunJournal
{
    private readonly ConcurrentDictionary<string, RunState> _runs = new(StringComparer.Ordinal);

    /// <summary>The run with this id, if this process has seen it.</summary>
    public RunState? Find(string runId) => _runs.GetValueOrDefault(runId);

    /// <summary>Every run seen, newest last.</summary>
    public IReadOnlyList<RunState> All => _runs.Values.OrderBy(r => r.StartedAt).ToArray();

    /// <inheritdoc />
    public ValueTask RunChangedAsync(RunState run, CancellationToken ct)
    {
        _runs[run.Id] = run;
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask NodeChangedAsync(RunState run, NodeRecord node, CancellationToken ct) => ValueTask.CompletedTask;
}
