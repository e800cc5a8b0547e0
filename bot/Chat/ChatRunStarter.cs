using System.Text.Json;
using ChatFlows.Core.Audit;
using ChatFlows.Core.Messaging;
using ChatFlows.Core.Running;

namespace ChatFlows.Bot.Chat;

/// <summary>
/// What starting a run from chat adds to <see cref="RunStarter"/>, the same for commands and message triggers: once
/// the start is known to be possible, the run's progress card is recorded to be posted (to the channel, or to the
/// thread it was started from) and the run is queued at once, its thread being <c>card:&lt;run id&gt;</c>, the
/// thread of that card. Nothing is posted here: the <see cref="ChatCardPoster"/> posts the card when the platform
/// allows, and everything the run says waits for it (README, Chat cards).
/// </summary>
public sealed partial class ChatRunStarter(RunStarter starter, IChatCardStore cards, ChatCardSignals signals, TimeProvider time, ILogger<ChatRunStarter> logger)
{
    /// <summary>How long a chat answer waits to learn that the card was refused for good (the bot is not in the channel).</summary>
    public static readonly TimeSpan RefusalWait = TimeSpan.FromMilliseconds(1500);

    /// <summary>Starts <paramref name="workflow"/> from <paramref name="triggerNodeId"/>; its progress card is to go to <paramref name="target"/>.</summary>
    /// <param name="target">The channel or thread the card goes to.</param>
    /// <param name="workflow">The workflow, as <see cref="RunStarter.FindAsync"/> found it.</param>
    /// <param name="triggerNodeId">The trigger that fires.</param>
    /// <param name="startedBy">The chat identity starting it.</param>
    /// <param name="trigger">The trigger payload, given the run's thread.</param>
    /// <param name="ct">Cancels queueing.</param>
    /// <returns>Started, or refused with what to fix.</returns>
    public async Task<StartOutcome> StartAsync(
        string target, StartTarget workflow, string triggerNodeId, string startedBy, Func<string, JsonElement> trigger, CancellationToken ct)
    {
        string? recorded = null;
        var options = new StartOptions
        {
            Origin = new AuditOrigin(startedBy, AuditOrigin.SurfaceOfChat(target)),
            Announce = async (starting, token) =>
            {
                var thread = ChatChannels.CardThreadOf(starting.RunId);
                await cards.AddIntentAsync(ChatCard.Intent(starting.RunId, ChatCard.Progress, "", target), token);
                recorded = starting.RunId;
                return starting.Request with { Trigger = trigger(thread), Thread = thread };
            },
        };
        StartOutcome outcome;
        try
        {
            outcome = await starter.StartAsync(workflow, new RunRequest { TriggerNodeId = triggerNodeId, StartedBy = startedBy }, options, ct);
        }
        catch (Exception e) when (recorded is not null)
        {
            LogNotQueued(e, recorded, workflow.WorkflowId);
            await cards.DeleteAsync(recorded, ChatCard.Progress, "", CancellationToken.None);
            throw;
        }
        if (outcome is StartOutcome.Refused && recorded is not null) await cards.DeleteAsync(recorded, ChatCard.Progress, "", CancellationToken.None);
        else signals.Wake();
        return outcome;
    }

    /// <summary>
    /// Why run <paramref name="runId"/>'s progress card was refused for good, when that is known within
    /// <see cref="RefusalWait"/>; null when it landed or is still on its way.
    /// </summary>
    public async Task<string?> CardRefusalAsync(string runId, CancellationToken ct)
    {
        var until = time.GetUtcNow() + RefusalWait;
        var poll = TimeSpan.FromMilliseconds(25);
        while (true)
        {
            var card = await cards.FindAsync(runId, ChatCard.Progress, "", ct);
            if (card is null || card.IsPosted) return null;
            if (card.IsFailed) return card.LastError;
            if (time.GetUtcNow() >= until) return null;
            await Task.Delay(poll, time, ct);
            poll *= 2;
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
