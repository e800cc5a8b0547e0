using System.Text.Json;
using ChatFlows.Core.Messaging;
using ChatFlows.Core.Running;

namespace ChatFlows.Bot.Chat;

/// <summary>
/// Starts a run from chat the same way for commands and message triggers: its progress card is posted first (to the
/// channel, or to the thread it was started from), so that everything the run says has a thread from its first node
/// on; then the run is queued with that thread. A run that cannot be queued turns its card into the error.
/// </summary>
public sealed partial class ChatRunStarter(RunQueue queue, IChatCardStore cards, ILogger<ChatRunStarter> logger)
{
    /// <summary>Posts the progress card to <paramref name="target"/> through <paramref name="presenter"/> and queues the run.</summary>
    /// <param name="presenter"></param>
    /// <param name="target"></param>
    /// <param name="plan"></param>
    /// <param name="triggerNodeId"></param>
    /// <param name="startedBy"></param>
    /// <param name="trigger">The trigger payload, given the run's thread.</param>
    /// <param name="ct"></param>
    /// <returns>The run's id.</returns>
    public async Task<string> StartAsync(
        IChatPresenter presenter, string target, WorkflowPlan plan, string triggerNodeId, string startedBy, Func<string, JsonElement> trigger, CancellationToken ct)
    {
        var runId = WorkflowEngine.NewRunId();
        var queued = ProgressView.Queued(runId, plan.Document, startedBy);
        var progress = await presenter.PostProgressAsync(target, queued, ct);
        var thread = presenter.ThreadOf(progress);
        await cards.AddAsync(new ChatCard(runId, ChatCard.Progress, "", progress), ct);
        var request = new RunRequest
        {
            RunId = runId,
            Trigger = trigger(thread),
            TriggerNodeId = triggerNodeId,
            StartedBy = startedBy,
            Thread = thread,
        };
        try
        {
            await queue.EnqueueAsync(plan, request, ct: ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogNotQueued(e, runId, plan.Document.Id);
            await presenter.UpdateProgressAsync(progress, queued with { Status = RunStatus.Failed, Error = $"The run could not be queued: {e.Message}" }, ct);
            throw;
        }
        return runId;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Run {RunId} of {WorkflowId} started from chat could not be queued")]
    private partial void LogNotQueued(Exception exception, string runId, string workflowId);
}
