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
/// approval starts waiting, and every card of that approval (the thread's and its copies, <see cref="ApprovalCardCopies"/>)
/// again whenever it changes while it waits (<c>approval.changed</c>: a vote short of the quorum, a reminder, the
/// escalation, a delegation), once it is decided or expires, and when the run ends without a decision — each card
/// through a coalescer too, at most one update per <see cref="ChatOptions.UpdateInterval"/>, the newest state always
/// delivered. Which message shows what is stored (<see cref="IChatCardStore"/>), so the instance that continues a run
/// after a restart, or records a vote, updates the same cards.
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
    private readonly UpdateCoalescer<ChatCard> _approvals;
    private readonly ApprovalViews _views;

    // The cards of the runs this process is executing; read once per run, dropped when the run waits or ends.
    private readonly ConcurrentDictionary<string, IReadOnlyList<ChatCard>> _known = new(StringComparer.Ordinal);

    public RunCardUpdater(
        RunEventStream events, IRunStore runs, IWorkflowStore workflows, IChatCardStore cards, ChatChannels channels, ChatCardSignals signals,
        ChatRetryPolicy retry, ApprovalViews views, TimeProvider time, IOptions<ChatOptions> options, ILogger<RunCardUpdater> logger)
    {
        _views = views;
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
        _approvals = new UpdateCoalescer<ChatCard>(UpdateApprovalAsync, options.Value.UpdateInterval, time, logger)
        {
            OnGaveUp = (key, e) => KeyOf(key) is var (runId, kind, nodeId)
                ? _cards.SetErrorAsync(runId, kind, nodeId, $"The approval card could not be updated: {e.Message}")
                : Task.CompletedTask,
            IsPermanent = e => e is IChatPlatformError { IsRetryable: false },
            Retry = retry,
        };
    }

    /// <summary>Brings the run's progress card up to date with its stored state (after the card landed late).</summary>
    public void Refresh(string runId) => _progress.Submit(runId, false);

    /// <summary>
    /// Brings every posted card of approval <paramref name="nodeId"/> of run <paramref name="runId"/> (the thread's and
    /// its copies) up to date with its stored state, within <see cref="ChatOptions.UpdateInterval"/>.
    /// </summary>
    public async Task RefreshApprovalAsync(string runId, string nodeId, CancellationToken ct)
    {
        foreach (var card in await _cards.ListAsync(runId, ct))
        {
            if (card.IsApproval && card.IsPosted && card.ApprovalNodeId == nodeId) RefreshApproval(card);
        }
    }

    /// <summary>Brings one posted approval card up to date with its approval's stored state.</summary>
    public void RefreshApproval(ChatCard card) => _approvals.Submit($"{card.RunId}\n{card.Kind}\n{card.NodeId}", card);

    /// <summary>
    /// Listens from now on to the runs that may have chat cards; the returned subscription is what <see cref="RunAsync"/> reads.
    /// </summary>
    public RunEventSubscription Subscribe() => _events.Subscribe(filter: e => e.MayHaveChatCards);

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
        // A synchronous webhook's run, at thousands a second, has no card to look up.
        if (!runEvent.MayHaveChatCards) return;
        if (runEvent.Type == RunEventTypes.ApprovalChanged)
        {
            // A waiting approval changed without the run moving: only its cards change; the run's cache is left alone.
            if (runEvent.NodeId is { } changed) await RefreshApprovalAsync(runEvent.RunId, changed, ct);
            return;
        }
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
            case RunEventTypes.NodeFinished when cards.Any(c => c.IsApproval && c.ApprovalNodeId == runEvent.NodeId):
                await RefreshApprovalAsync(runEvent.RunId, runEvent.NodeId!, ct);
                break;
            case RunEventTypes.RunFinished when cards.Any(c => c.IsApproval):
                await CloseApprovalsAsync(runEvent.RunId, ct);
                break;
        }
    }

    /// <summary>
    /// Records the cards of waiting approvals that have none: the instance that executed a run up to its approval
    /// records the card when it hears the run wait, after the wait is committed, so one killed in that instant (or a
    /// lone host killed then and started again) leaves the run waiting without a card (README §Running several
    /// instances). Recording is idempotent, so any instance may do it at any time.
    /// </summary>
    public async Task RecordMissingApprovalCardsAsync(CancellationToken ct)
    {
        const int Page = 200;
        string? before = null;
        do
        {
            var page = await _runs.ListAsync(new RunQuery(Status: RunStatus.Waiting, Before: before, Limit: Page), ct);
            foreach (var run in page.Items.Where(r => r.Thread is not null))
            {
                await PostApprovalsAsync(run.Id, await _cards.ListAsync(run.Id, ct), ct);
            }
            before = page.Next;
        }
        while (before is not null);
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

    // The run ended: the cards of approvals still waiting say nobody can decide any more (decided ones were updated
    // when their node finished).
    private async Task CloseApprovalsAsync(string runId, CancellationToken ct)
    {
        var run = await _runs.GetAsync(runId, ct);
        if (run is null) return;
        foreach (var card in await _cards.ListAsync(runId, ct))
        {
            if (card.IsApproval && card.IsPosted && run.Nodes.FirstOrDefault(n => n.NodeId == card.ApprovalNodeId) is { Status: NodeStatus.Waiting }) RefreshApproval(card);
        }
    }

    // One approval card brought up to date: the card and the approval are read again, so the newest state is shown.
    private async Task UpdateApprovalAsync(string key, ChatCard submitted, CancellationToken ct)
    {
        var card = await _cards.FindAsync(submitted.RunId, submitted.Kind, submitted.NodeId, ct);
        if (card is not { IsPosted: true } || _channels.For<IChatPresenter>(card.Message.Target) is not { } presenter) return;
        if (await _views.ForAsync(card.RunId, card.ApprovalNodeId, ct) is not { } view) return;
        await presenter.UpdateApprovalAsync(card.Message, view, ct);
        if (card.LastError is not null) await _cards.SetErrorAsync(card.RunId, card.Kind, card.NodeId, null, ct);
    }

    private static (string RunId, string Kind, string NodeId)? KeyOf(string key) =>
        key.Split('\n') is [var runId, var kind, var nodeId] ? (runId, kind, nodeId) : null;

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

    [LoggerMessage(Level = LogLevel.Error, Message = "Chat cards of run {RunId} not updated for {EventType}")]
    private partial void LogEventFailed(Exception exception, string runId, string eventType);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Run {RunId} asks for approval at {NodeId}: card to be posted to {Target}")]
    private partial void LogApprovalRecorded(string runId, string nodeId, string target);
}
