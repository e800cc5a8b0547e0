using ChatFlows.Core.Documents;
using ChatFlows.Core.Storage;
using Microsoft.Extensions.Logging;

namespace ChatFlows.Core.Scheduling;

// Following workflows: which schedule triggers exist, and when each is next due.
public sealed partial class Scheduler
{
    private async Task<bool> RefreshAllAsync(DateTimeOffset now, CancellationToken ct)
    {
        // Every workflow is read below, those just saved here included.
        _changed.Clear();
        try
        {
            var listed = new HashSet<string>(StringComparer.Ordinal);
            foreach (var stored in await _workflows.ListAsync(ct))
            {
                listed.Add(stored.Document.Id);
                await FollowAsync(stored, now, ct);
            }
            foreach (var id in _read.Keys.Where(id => !listed.Contains(id)).ToArray()) Forget(id);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogReadFailed(ex, RetryDelay);
            return false;
        }
    }

    private async Task<bool> RefreshChangedAsync(DateTimeOffset now, CancellationToken ct)
    {
        try
        {
            foreach (var id in _changed.Keys)
            {
                if (!_changed.TryRemove(id, out _)) continue;
                var stored = await _workflows.GetAsync(id, ct);
                if (stored is null) Forget(id);
                else await FollowAsync(stored, now, ct);
            }
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The change is picked up by the full refresh that follows soon.
            LogReadFailed(ex, RetryDelay);
            return false;
        }
    }

    // Brings the followed triggers of one workflow in line with its saved document.
    private async Task FollowAsync(StoredWorkflow stored, DateTimeOffset now, CancellationToken ct)
    {
        var document = stored.Document;
        if (_read.TryGetValue(document.Id, out var read) && read == (document.Version, stored.UpdatedAt)) return;

        var configs = ScheduleConfig.Read(document, (triggerId, error) => LogUnreadable(document.Id, triggerId, error));
        var followed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var config in configs)
        {
            followed.Add(config.TriggerId);
            var key = (document.Id, config.TriggerId);
            if (_entries.TryGetValue(key, out var entry) && entry.Config.Schedule.SameTimesAs(config.Schedule))
            {
                // Same times: the due time stays, so an edit made just as a tick falls due neither loses nor repeats it.
                entry.Config = config;
                entry.Version = document.Version;
                continue;
            }
            _entries[key] = await StartFollowingAsync(document, stored.UpdatedAt, config, now, ct);
        }
        foreach (var key in _entries.Keys.Where(k => k.WorkflowId == document.Id && !followed.Contains(k.TriggerId)).ToArray())
        {
            _entries.Remove(key);
        }
        _read[document.Id] = (document.Version, stored.UpdatedAt);
    }

    private async Task<Entry> StartFollowingAsync(WorkflowDocument document, DateTimeOffset updatedAt, ScheduleConfig config, DateTimeOffset now, CancellationToken ct)
    {
        var entry = new Entry(document.Id, config, document.Version);
        var next = config.Schedule.Next(now);
        // Missed ticks are those after the later of the last claimed tick and the last save: a schedule saved at
        // 10:30 has not missed 09:00 that day, and an edit does not replay ticks from before it.
        var lastTick = await _runs.LastTickAsync(document.Id, config.TriggerId, ct);
        var since = lastTick > updatedAt ? lastTick.Value : updatedAt;
        if (config.Schedule.Latest(now) is { } missed && missed > since)
        {
            if (config.CatchUp)
            {
                LogCatchingUp(document.Id, config.TriggerId, missed);
                entry.ScheduleAt(missed);
                return entry;
            }
            LogMissedSkipped(document.Id, config.TriggerId, missed);
        }
        entry.ScheduleAt(next);
        return entry;
    }

    private void Forget(string workflowId)
    {
        _read.Remove(workflowId);
        foreach (var key in _entries.Keys.Where(k => k.WorkflowId == workflowId).ToArray()) _entries.Remove(key);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Schedule {TriggerId} of workflow {WorkflowId} missed {DueAt:O}; it fires once now to catch up")]
    private partial void LogCatchingUp(string workflowId, string triggerId, DateTimeOffset dueAt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Schedule {TriggerId} of workflow {WorkflowId} missed {DueAt:O}; skipped, as catchUp is false")]
    private partial void LogMissedSkipped(string workflowId, string triggerId, DateTimeOffset dueAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Schedule {TriggerId} of workflow {WorkflowId} is not followed: {Error}")]
    private partial void LogUnreadable(string workflowId, string triggerId, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading workflows for their schedules failed; trying again in {Delay}")]
    private partial void LogReadFailed(Exception error, TimeSpan delay);
}
