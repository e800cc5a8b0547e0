using System.Text.Json;
using ChatFlows.Core.Messaging;
using ChatFlows.Core.Running;

namespace ChatFlows.Bot.Chat;

/// <summary>
/// What starting a run from chat adds to <see cref="RunStarter"/>, the same for commands and message triggers: once
/// the start is known to be possible, the progress card is posted (to the channel, or to the thread it was started
/// from), so that everything the run says has a thread from its first node on; the run is then queued with that
/// thread. A run that cannot be queued turns its card into the error.
/// </summary>
public sealed partial class ChatRunStarter(RunStarter starter, IChatCardStore cards, ILogger<ChatRunStarter> logger)
{
    /// <summary>Starts <paramref name="workflow"/> from <paramref name="triggerNodeId"/>, posting its progress card to <paramref name="target"/>.</summary>
    /// <param name="presenter">The platform the card is posted on.</param>
    /// <param name="target">The channel or thread the card goes to.</param>
    /// <param name="workflow">The workflow, as <see cref="RunStarter.FindAsync"/> found it.</param>
    /// <param name="triggerNodeId">The trigger that fires.</param>
    /// <param name="startedBy">The chat identity starting it.</param>
    /// <param name="trigger">The trigger payload, given the run's thread.</param>
    /// <param name="ct">Cancels posting and queueing.</param>
    /// <returns>Started, or refused with what to fix.</returns>
    public async Task<StartOutcome> StartAsync(
        IChatPresenter presenter, string target, StartTarget workflow, string triggerNodeId, string startedBy, Func<string, JsonElement> trigger, CancellationToken ct)
    {
        PostedMessage? progress = null;
        ProgressView? queued = null;
        var options = new StartOptions
        {
            Announce = async (starting, token) =>
            {
                queued = ProgressView.Queued(starting.RunId, starting.Plan.Document, startedBy);
                progress = await presenter.PostProgressAsync(target, queued, token);
                var thread = presenter.ThreadOf(progress);
                await cards.AddAsync(new ChatCard(starting.RunId, ChatCard.Progress, "", progress), token);
                return starting.Request with { Trigger = trigger(thread), Thread = thread };
            },
        };
        try
        {
            return await starter.StartAsync(workflow, new RunRequest { TriggerNodeId = triggerNodeId, StartedBy = startedBy }, options, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException && progress is not null)
        {
            LogNotQueued(e, queued!.RunId, workflow.WorkflowId);
            await presenter.UpdateProgressAsync(progress, queued with { Status = RunStatus.Failed, Error = $"The run could not be queued: {e.Message}" }, ct);
            throw;
        }
    }

    /// <summary>A chat answer for a start that was refused, saying what to fix.</summary>
    public static string Explain(string workflowId, StartOutcome.Refused refused) => refused.Kind switch
    {
        StartProblemKind.InvalidWorkflow => $"`{workflowId}` cannot run until its problems are fixed in the canvas: {refused.Describe(3)}.",
        StartProblemKind.UnknownWorkflow => $"There is no workflow `{workflowId}`. Type `/run list` to see them all.",
        _ => $"`{workflowId}` could not be started: {refused.Describe(3)}",
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "Run {RunId} of {WorkflowId} started from chat could not be queued")]
    private partial void LogNotQueued(Exception exception, string runId, string workflowId);
}
