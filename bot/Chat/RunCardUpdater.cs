using System.Collections.Concurrent;
using ChatFlows.Core.Messaging;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;
using ChatFlows.Core.Storage;
using Microsoft.Extensions.Options;

namespace ChatFlows.Bot.Chat;

/// <summary>
/// Keeps the chat cards of runs up to date from the run events of this process: the progress card of a run started
/// from chat (through the <see cref="UpdateCoalescer{TState}"/>, final state always delivered, once the card is
/// posted), an approval card recorded to be posted in the run's thread (by the <see cref="ChatCardPoster"/>) when an
/// approval starts waiting, and that card again once it is decided, expires, or the run ends without a decision. Which message shows what is stored (<see cref="IChatCardStore"/>), so the instance that
/// continues a run after a restart updates the same cards.
/// </summary>
public sealed partial class RunCardUpdater
{
    private readonly RunEventStream _events;
    private readonly IRunStore _runs;
    private readonly IWorkflowStore _workflows;
    private readonly IChatCardStore _cards;
    private readonly ChatChannels _channels;
    private readonly ChatCardSignals _signals;
    private readonly TimeProvider _time;
    private readonly ChatOptions _options;
    private readonly ILogger<RunCardUpdater> _logger;
    private readonly UpdateCoalescer<bool> _progress;

    // The cards of the runs this process is executing; read once per run, dropped when the run waits or ends.
    private readonly ConcurrentDictionary<string, IReadOnlyList<ChatCard>> _known = new(StringComparer.Ordinal);

    public RunCardUpdater(
        RunEventStream events, IRunStore runs, IWorkflowStore workflows, IChatCardStore cards, ChatChannels channels, ChatCardSignals signals,
        ChatRetryPolicy retry, TimeProvider time, IOptions<ChatOptions> options, ILogger<RunCardUpdater> logger)
    {
        _events = events;
        _runs = runs;
        _workflows = workflows;
        _cards = cards;
        _channels = channels;
        _signals = signals;
        _time = time;
        _options = options.Value;
        _logger = logger;
        _progress = new UpdateCoalescer<bool>(UpdateProgressAsync, options.Value.UpdateInterval, time, logger)
        {
            OnGaveUp = (runId, e) => _cards.SetErrorAsync(runId, ChatCard.Progress, "", $"The progress card could not be updated: {e.Message}"),
            IsPermanent = e => e is IChatPlatformError { IsRetryable: false },
            Retry = retry,
        };
    }

    /// <summary>Brings the run's progress card up to date with its stored state (after the card landed late).</summary>
    public void Refresh(string runId) => _progress.Submit(runId, false);

    /// <summary>Listens from now on; the returned subscription is what <see cref="RunAsync"/> reads.</summary>
    public RunEventSubscription Subscribe() => _events.Subscribe();

    /// <summary>Handles events until <paramref name="ct"/> is cancelled; one event's failure is logged and the next is handled.</summary>
    public async Task RunAsync(RunEventSubscription subscription, CancellationToken ct)
    {
        await foreach (var runEvent in subscription.Reader.ReadAllAsync(ct))
        {
            try
            {
                await HandleAsync(runEvent, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                LogEventFailed(e, runEvent.RunId, runEvent.Type);
            }
        }
    }

    /// <summary>Brings the run's cards up to date with one of its events.</summary>
    public async Task HandleAsync(RunEvent runEvent, CancellationToken ct)
    {
        var cards = _known.TryGetValue(runEvent.RunId, out var known) ? known : await _cards.ListAsync(runEvent.RunId, ct);
        var ends = runEvent.Type is RunEventTypes.RunWaiting or RunEventTypes.RunFinished;
        if (ends) _known.TryRemove(runEvent.RunId, out _);
        else _known[runEvent.RunId] = cards;

        if (cards.Any(c => c.Kind == ChatCard.Progress)) _progress.Submit(runEvent.RunId, runEvent.Type == RunEventTypes.RunFinished);

        switch (runEvent.Type)
        {
            case RunEventTypes.RunWaiting when runEvent.Bookmark == ApprovalNode.Bookmark:
                await PostApprovalsAsync(runEvent.RunId, cards, ct);
                break;
            case RunEventTypes.NodeFinished when cards.Any(c => c.Kind == ChatCard.Approval && c.NodeId == runEvent.NodeId):
            case RunEventTypes.RunFinished when cards.Any(c => c.Kind == ChatCard.Approval):
                await UpdateApprovalsAsync(runEvent.RunId, ct);
                break;
        }
    }

    // Each waiting approval without a card gets one, recorded to be posted in the run's thread (a scheduled run's
    // thread is its channel; a chat run's is card:<run id>, its progress card's thread, known once that card landed).
    private async Task PostApprovalsAsync(string runId, IReadOnlyList<ChatCard> cards, CancellationToken ct)
    {
        var run = await _runs.GetAsync(runId, ct);
        if (run?.Thread is not { } thread) return;
        if (ChatChannels.CardRunOf(thread) is null && _channels.For<IChatPresenter>(thread) is null) return;
        var added = false;
        foreach (var node in run.Nodes.Where(n => n.Status == NodeStatus.Waiting && n.Bookmark == ApprovalNode.Bookmark))
        {
            if (cards.Any(c => c.Kind == ChatCard.Approval && c.NodeId == node.NodeId)) continue;
            if (await _cards.AddIntentAsync(ChatCard.Intent(run.Id, ChatCard.Approval, node.NodeId, thread), ct))
            {
                added = true;
                LogApprovalRecorded(run.Id, node.NodeId, thread);
            }
        }
        if (added) _signals.Wake();
    }

    private async Task UpdateApprovalsAsync(string runId, CancellationToken ct)
    {
        var run = await _runs.GetAsync(runId, ct);
        if (run is null) return;
        var name = await WorkflowNameAsync(run, ct);
        foreach (var card in await _cards.ListAsync(runId, ct))
        {
            if (card.Kind != ChatCard.Approval || !card.IsPosted || run.Nodes.FirstOrDefault(n => n.NodeId == card.NodeId) is not { } node) continue;
            if (_channels.For<IChatPresenter>(card.Message.Target) is not { } presenter) continue;
            var view = ApprovalView.From(run.Id, name, node);
            if (view is { IsOpen: true } && run.Status.IsTerminal()) view = view with { Closed = $"The run {run.Status.ToText()} before anyone decided." };
            if (view is null || view.IsOpen) continue;
            await presenter.UpdateApprovalAsync(card.Message, view, ct);
        }
    }

    private async Task UpdateProgressAsync(string runId, bool final, CancellationToken ct)
    {
        var card = await _cards.FindAsync(runId, ChatCard.Progress, "", ct);
        var run = await _runs.GetAsync(runId, ct);
        // A card not posted yet is posted with the run's state of then (ChatCardPoster).
        if (card is not { IsPosted: true } || run is null || _channels.For<IChatPresenter>(card.Message.Target) is not { } presenter) return;
        var document = await _workflows.GetVersionAsync(run.WorkflowId, run.WorkflowVersion, ct);
        if (document is null) return;
        var view = ProgressView.From(run, document, _time.GetUtcNow()) with { RunPage = _options.RunPage(run.Id) };
        // The end is committed before run.finished is published; a store behind that (another instance) is read again.
        if (final && !view.IsFinal) throw new InvalidOperationException($"Run {runId} has ended but its stored state is still {view.Status.ToText()}.");
        await presenter.UpdateProgressAsync(card.Message, view, ct);
        if (card.LastError is not null) await _cards.SetErrorAsync(runId, ChatCard.Progress, "", null, ct);
    }

    private async Task<string> WorkflowNameAsync(StoredRun run, CancellationToken ct) =>
        (await _workflows.GetVersionAsync(run.WorkflowId, run.WorkflowVersion, ct))?.DisplayName ?? run.WorkflowId;

    [LoggerMessage(Level = LogLevel.Error, Message = "Chat cards of run {RunId} not updated for {EventType}")]
    private partial void LogEventFailed(Exception exception, string runId, string eventType);

    [LoggerMessage(Level = LogLevel.Information, Message = "Run {RunId} asks for approval at {NodeId}: card to be posted to {Target}")]
    private partial void LogApprovalRecorded(string runId, string nodeId, string target);
}
