using System.Text.Json;
using ChatFlows.Core.Running;

namespace ChatFlows.Core.Tests.Model;

/// <summary>The process running the engine died: nothing after this reaches the journal.</summary>
internal sealed class ProcessDiedException() : Exception("The process died.");

/// <summary>
/// Passes journal writes (node and run changes, recorded effects) to the real store until the given number of
/// writes has passed, then plays a dead process: that write and every later call fail, so the store holds exactly
/// what had been journaled before the crash.
/// </summary>
internal sealed class CrashingJournal(IRunJournal store, int? crashAfterWrites) : IRunJournal
{
    private int _writes;
    private volatile bool _dead;

    public bool Crashed => _dead;

    public ValueTask RunChangedAsync(RunState run, CancellationToken ct) => Write(() => store.RunChangedAsync(run, ct));

    public ValueTask NodeChangedAsync(RunState run, NodeRecord node, CancellationToken ct) => Write(() => store.NodeChangedAsync(run, node, ct));

    public ValueTask<JsonElement?> FindEffectAsync(string runId, string nodeId, string effect, CancellationToken ct) =>
        _dead ? throw new ProcessDiedException() : store.FindEffectAsync(runId, nodeId, effect, ct);

    public ValueTask RecordEffectAsync(string runId, string nodeId, string effect, JsonElement value, CancellationToken ct) =>
        Write(() => store.RecordEffectAsync(runId, nodeId, effect, value, ct));

    private ValueTask Write(Func<ValueTask> write)
    {
        if (_dead) throw new ProcessDiedException();
        if (crashAfterWrites is { } limit && Interlocked.Increment(ref _writes) > limit)
        {
            _dead = true;
            throw new ProcessDiedException();
        }
        return write();
    }
}
