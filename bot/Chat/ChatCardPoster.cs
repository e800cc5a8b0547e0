using System.Collections.Concurrent;
using ChatFlows.Core.Cluster;
using ChatFlows.Core.Messaging;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;
using ChatFlows.Core.Storage;

namespace ChatFlows.Bot.Chat;

/// <summary>
/// Posts the cards recorded to be posted (the outbox of <see cref="IChatCardStore"/>; README, Chat cards): progress
/// cards rendered from the run's current stored state, approval cards once the run's progress card has landed (in its
/// thread). A platform's 429 is waited out as long as its Retry-After asks; its own troubles (5xx, no answer) are
/// tried again with the backoff of <see cref="ChatRetryPolicy"/> for <see cref="ChatOptions.CardPostTimeout"/>; a
/// refusal for good (not_in_channel, a Teams conversation the bot was never added to) is recorded with the platform's
/// reason. A card whose earlier attempt may have posted it (after a crash or a lost answer) is first looked for on
/// the platform, so it is not posted twice. On start-up every pending card is resumed. Several instances sweep one
/// outbox (README §Running several instances): each attempt is claimed in the store first, and a card another
/// instance attempted lately is left to it unless that instance stays silent for <see cref="ChatOptions.CardTakeoverAfter"/>.
/// As often, and at start, a waiting approval whose card nobody recorded (its instance was killed in that instant) gets one.
/// </summary>
public sealed partial class ChatCardPoster(
    IChatCardStore cards, IRunStore runs, IWorkflowStore workflows, ChatChannels channels, ChatCardThreads threads, ChatRetryPolicy retry, ChatCardSignals signals,
    RunCardUpdater updater, ApprovalViews views, IClusterBus cluster, TimeProvider time, ILogger<ChatCardPoster> logger) : BackgroundService
{
    /// <summary>How often the outbox is looked at without being woken.</summary>
    public static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(2);

    /// <summary>How long a card whose run does not exist is kept (its run was being queued); then it is dropped.</summary>
    public static readonly TimeSpan OrphanGrace = TimeSpan.FromMinutes(1);

    // The cards being posted now, so a sweep does not start a second poster for one.
    private readonly ConcurrentDictionary<string, Task> _posting = new(StringComparer.Ordinal);

    // When waiting approvals are next looked at for a card nobody recorded (now, at start).
    private DateTimeOffset _approvalCardsCheckDue = DateTimeOffset.MinValue;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogSweepFailed(e);
            }
            await signals.WaitAsync(SweepInterval, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        await Task.WhenAll(_posting.Values).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task SweepAsync(CancellationToken ct)
    {
        // Approval cards whose recording a killed instance lost are recorded here, at start and then as often as a
        // card a silent instance was posting is taken over.
        if (time.GetUtcNow() >= _approvalCardsCheckDue)
        {
            _approvalCardsCheckDue = time.GetUtcNow() + retry.CardTakeoverAfter;
            await updater.RecordMissingApprovalCardsAsync(ct);
        }
        foreach (var card in await cards.ListPendingAsync(ct))
        {
            var key = $"{card.RunId}/{card.Kind}/{card.NodeId}";
            if (_posting.ContainsKey(key)) continue;
            // Alone, a card attempted before is this instance's own from before a restart: resumed at once.
            if (cluster.IsShared && card.AttemptedAt is { } attempted && time.GetUtcNow() - attempted < retry.CardTakeoverAfter) continue;
            var task = Task.Run(() => PostAsync(card, ct), CancellationToken.None);
            if (!_posting.TryAdd(key, task)) continue;
            _ = task.ContinueWith(_ => _posting.TryRemove(key, out var _), TaskScheduler.Default);
        }
    }

    // Posts one card until it lands, is refused for good, or fails for too long. Returns early (to be tried by a later
    // sweep) when it has to wait for something else: the run's progress card, or the run itself to be stored.
    private async Task PostAsync(ChatCard card, CancellationToken ct)
    {
        var deadline = time.GetUtcNow() + retry.CardPostTimeout;
        var current = new CardAttempt(card);
        for (var attempt = 1; ; attempt++)
        {
            card = current.Card;
            try
            {
                await PostOnceAsync(current, ct);
                return;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NodeException or IChatPlatformError { IsRetryable: false })
            {
                await FailAsync(card, e.Message, e);
                return;
            }
            catch (Exception e)
            {
                var wait = retry.WaitAfter(e, attempt);
                if (e is not ChatRateLimitedException && time.GetUtcNow() + wait > deadline)
                {
                    await FailAsync(card, $"{e.Message} (still failing after {retry.CardPostTimeout}, {ChatOptions.SectionName}:CardPostTimeout)", e);
                    return;
                }
                LogRetrying(card.RunId, card.Kind, card.NodeId, wait.TotalMilliseconds, e.Message);
                try
                {
                    await Task.Delay(wait, time, ct);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    // One try; returns when done (posted, found, dropped, taken by another instance, or waiting for something else),
    // throws to be tried again. The attempt holds the card as stored (with the time of its last attempt).
    private async Task PostOnceAsync(CardAttempt current, CancellationToken ct)
    {
        var card = current.Card;
        var target = card.Message.Target;
        if (ChatChannels.CardRunOf(target) is { } cardRun)
        {
            // An approval card waits for the run's progress card, and goes into its thread.
            if (await threads.ThreadIfPostedAsync(cardRun, channels, ct) is not { } thread) return;
            target = thread;
        }
        var presenter = Presenter(target);

        var run = await runs.GetAsync(card.RunId, ct);
        if (run is null)
        {
            if (time.GetUtcNow() - card.CreatedAt > OrphanGrace)
            {
                LogOrphanDropped(card.RunId, card.Kind);
                await cards.DeleteAsync(card.RunId, card.Kind, card.NodeId, ct);
            }
            return;
        }
        var document = await workflows.GetVersionAsync(run.WorkflowId, run.WorkflowVersion, ct)
            ?? throw new NodeException($"version {run.WorkflowVersion} of workflow {run.WorkflowId} is gone");

        if (current.MayHavePosted && card.AttemptedAt is { } attempted && await presenter.FindCardAsync(target, card, attempted, ct) is { } found)
        {
            LogFound(card.RunId, card.Kind, found.Target, found.MessageId);
            await LandedAsync(card, found);
            return;
        }

        var now = time.GetUtcNow();
        if (!await cards.TryMarkAttemptedAsync(card.RunId, card.Kind, card.NodeId, now, card.AttemptedAt, ct))
        {
            LogTakenElsewhere(card.RunId, card.Kind);
            return;
        }
        current.Card = card = card with { AttemptedAt = now };
        current.MayHavePosted = true;
        PostedMessage posted;
        ApprovalView? shown = null;
        try
        {
            if (card.Kind == ChatCard.Progress)
            {
                posted = await presenter.PostProgressAsync(target, ProgressView.From(run, document, now), ct);
            }
            else
            {
                // The thread's approval card and its copies show the same view, state and all.
                var view = await views.ForAsync(run, document.DisplayName, card.ApprovalNodeId, ct)
                    ?? throw new NodeException($"the run has no approval {card.ApprovalNodeId} to show");
                posted = await presenter.PostApprovalAsync(target, shown = view, ct);
            }
        }
        catch (ChatRateLimitedException)
        {
            // A 429 means nothing was posted: the next try need not look for the card first.
            current.MayHavePosted = false;
            throw;
        }
        await LandedAsync(card, posted, shown, ct);
    }

    private async Task LandedAsync(ChatCard card, PostedMessage posted, ApprovalView? shown = null, CancellationToken ct = default)
    {
        await cards.RecordPostedAsync(card.RunId, card.Kind, card.NodeId, posted, CancellationToken.None);
        LogPosted(card.RunId, card.Kind, posted.Target, posted.MessageId);
        if (card.IsApproval)
        {
            // A vote or a decision while it was being posted found no posted card to update: shown now.
            var now = await views.ForAsync(card.RunId, card.ApprovalNodeId, ct);
            if (shown is null || now is null || now.Signature != shown.Signature) updater.RefreshApproval(card with { Message = posted });
            return;
        }
        // The run may have moved on while its card waited; and its approvals wait for the card's thread.
        updater.Refresh(card.RunId);
        signals.Wake();
    }

    private async Task FailAsync(ChatCard card, string reason, Exception e)
    {
        LogFailed(e, card.RunId, card.Kind, card.Message.Target);
        await cards.RecordFailedAsync(card.RunId, card.Kind, card.NodeId, reason, CancellationToken.None);
        // Approval cards waiting for this progress card fail with it.
        if (card.Kind == ChatCard.Progress) signals.Wake();
    }

    private IChatPresenter Presenter(string target) =>
        channels.For<IChatPresenter>(target) ?? throw new NodeException($"no chat adapter serves {target} on this host");

    [LoggerMessage(Level = LogLevel.Debug, Message = "The {Kind} card of run {RunId} was posted to {Target} as {MessageId}")]
    private partial void LogPosted(string runId, string kind, string target, string messageId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "The {Kind} card of run {RunId} was already posted to {Target} as {MessageId}; it is not posted again")]
    private partial void LogFound(string runId, string kind, string target, string messageId);

    [LoggerMessage(Level = LogLevel.Information, Message = "The {Kind} card of run {RunId}{NodeId} is tried again in {WaitMs} ms: {Reason}")]
    private partial void LogRetrying(string runId, string kind, string nodeId, double waitMs, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The {Kind} card of run {RunId} could not be posted to {Target}")]
    private partial void LogFailed(Exception exception, string runId, string kind, string target);

    [LoggerMessage(Level = LogLevel.Debug, Message = "The {Kind} card of run {RunId} is being posted by another instance; this one leaves it")]
    private partial void LogTakenElsewhere(string runId, string kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The {Kind} card of run {RunId} is dropped: the run was never queued")]
    private partial void LogOrphanDropped(string runId, string kind);

    [LoggerMessage(Level = LogLevel.Error, Message = "Looking for chat cards to post failed")]
    private partial void LogSweepFailed(Exception exception);

    private sealed class CardAttempt(ChatCard card)
    {
        /// <summary>The card as stored, with the time of its last attempt.</summary>
        public ChatCard Card { get; set; } = card;

        /// <summary>False after a refusal that posted nothing (a 429): the next try need not look for the card first.</summary>
        public bool MayHavePosted { get; set; } = card.AttemptedAt is not null;
    }
}
