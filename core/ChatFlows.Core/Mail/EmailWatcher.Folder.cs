using System.Text.Json;
using ChatFlows.Core.Connections;
using ChatFlows.Core.Running;
using ChatFlows.Core.Storage;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using Microsoft.Extensions.Logging;

namespace ChatFlows.Core.Mail;

// Watching one folder: connect, read what is new since the cursor, start runs, wait (IDLE or polling), again.
public sealed partial class EmailWatcher
{
    // RFC 2177 asks clients to re-issue IDLE at least every 29 minutes; many servers and NATs cut sooner.
    private static readonly TimeSpan IdleRenewal = TimeSpan.FromMinutes(9);
    private static readonly TimeSpan FirstReconnectDelay = TimeSpan.FromSeconds(1);

    private async Task WatchAsync(FolderWatch watch, CancellationToken ct)
    {
        var delay = FirstReconnectDelay;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await WatchConnectedAsync(watch, () => delay = FirstReconnectDelay, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                var server = _connections.Find(watch.Workspace, watch.Name) is { Type: ConnectionTypes.Mail } connection ? Describe(connection) : "(none)";
                LogWatchFailed(watch.Connection, watch.Folder, server, ex.GetType().Name, ex.Message, delay);
                try
                {
                    await Task.Delay(delay, _time, ct);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxReconnectDelay.Ticks));
            }
        }
    }

    private async Task WatchConnectedAsync(FolderWatch watch, Action connected, CancellationToken ct)
    {
        var connection = _connections.Find(watch.Workspace, watch.Name)
            ?? throw new InvalidOperationException($"There is no connection '{watch.Connection}'; add a mail connection of that name.");
        if (connection.Type != ConnectionTypes.Mail) throw new InvalidOperationException($"Connection '{watch.Connection}' is a {connection.Type} connection, not a mail connection.");
        var server = MailServer.Of(connection);
        if (server.ImapHost is null) throw new InvalidOperationException($"Connection '{watch.Connection}' has no ImapHost; set it to the IMAP server's host name.");
        if (server.UserName is null) throw new InvalidOperationException($"Connection '{watch.Connection}' has no UserName; set the user name (and Password) to log in to {server.ImapAddress} with.");

        using var client = new ImapClient { Timeout = 60_000 };
        await client.ConnectAsync(server.ImapHost, server.ImapPort, server.Security, ct);
        await client.AuthenticateAsync(server.UserName, server.Password ?? "", ct);
        var folder = watch.Folder.Equals("INBOX", StringComparison.OrdinalIgnoreCase) ? client.Inbox : await client.GetFolderAsync(watch.Folder, ct);
        var arrivals = new Arrivals();
        folder.CountChanged += arrivals.OnCountChanged;
        await folder.OpenAsync(FolderAccess.ReadOnly, ct);
        connected();
        LogWatching(watch.Connection, watch.Folder, server.ImapAddress, client.Capabilities.HasFlag(ImapCapabilities.Idle) ? "IDLE" : $"polling every {_options.PollInterval}");

        var cursor = await StartingCursorAsync(watch, folder, ct);
        while (true)
        {
            arrivals.Reset();
            cursor = await ReadNewAsync(watch, folder, cursor, ct);
            if (arrivals.Arrived) continue;
            if (client.Capabilities.HasFlag(ImapCapabilities.Idle))
            {
                using var done = new CancellationTokenSource(IdleRenewal, _time);
                using (arrivals.Ends(done))
                {
                    await client.IdleAsync(done.Token, ct);
                }
            }
            else
            {
                await Task.Delay(_options.PollInterval, _time, ct);
                await client.NoOpAsync(ct);
            }
        }
    }

    // On first sight of a folder the watcher starts at its UIDNEXT: an old mailbox is not replayed.
    private async Task<MailCursor> StartingCursorAsync(FolderWatch watch, IMailFolder folder, CancellationToken ct)
    {
        var stored = await _cursors.GetAsync(watch.Connection, watch.Folder, ct);
        if (stored is not null && stored.UidValidity == folder.UidValidity) return stored;

        var next = folder.UidNext?.Id ?? await HighestUidAsync(folder, ct) + 1;
        var cursor = new MailCursor(folder.UidValidity, next - 1);
        if (stored is not null) LogUidValidityChanged(watch.Connection, watch.Folder, stored.UidValidity, folder.UidValidity);
        await _cursors.AdvanceAsync(watch.Connection, watch.Folder, cursor.UidValidity, cursor.LastUid, ct);
        return cursor;
    }

    private static async Task<uint> HighestUidAsync(IMailFolder folder, CancellationToken ct)
    {
        var all = await folder.SearchAsync(SearchQuery.All, ct);
        return all.Count == 0 ? 0 : all.Max(u => u.Id);
    }

    private async Task<MailCursor> ReadNewAsync(FolderWatch watch, IMailFolder folder, MailCursor cursor, CancellationToken ct)
    {
        if (cursor.LastUid == uint.MaxValue) return cursor;
        var range = new UniqueIdRange(new UniqueId(cursor.UidValidity, cursor.LastUid + 1), UniqueId.MaxValue);
        // "n:*" always includes the highest UID, even when it is below n.
        var uids = (await folder.SearchAsync(SearchQuery.Uids(range), ct)).Where(u => u.Id > cursor.LastUid).OrderBy(u => u.Id).ToArray();
        foreach (var uid in uids)
        {
            var payload = await ReadPayloadAsync(watch, folder, uid, ct);
            var (sender, address) = EmailPayload.Sender(payload);
            var subject = payload.GetProperty("subject").GetString() ?? "";
            foreach (var trigger in watch.Triggers.Where(t => t.Matches(sender, address, subject)))
            {
                await StartAsync(trigger, payload, cursor.UidValidity, uid.Id, ct);
            }
            await _cursors.AdvanceAsync(watch.Connection, watch.Folder, cursor.UidValidity, uid.Id, ct);
            cursor = cursor with { LastUid = uid.Id };
        }
        return cursor;
    }

    // Mail that cannot be parsed still starts its runs, with what its envelope says.
    private async Task<JsonElement> ReadPayloadAsync(FolderWatch watch, IMailFolder folder, UniqueId uid, CancellationToken ct)
    {
        try
        {
            return EmailPayload.From(await folder.GetMessageAsync(uid, ct));
        }
        catch (FormatException ex)
        {
            LogUnparsable(watch.Connection, watch.Folder, uid.Id, ex.Message);
            var summaries = await folder.FetchAsync([uid], new FetchRequest(MessageSummaryItems.Envelope | MessageSummaryItems.UniqueId), ct);
            return summaries.Count > 0 ? EmailPayload.From(summaries[0]) : EmailPayload.From(new MessageSummary(folder, 0));
        }
    }

    private async Task StartAsync(EmailTrigger trigger, JsonElement payload, uint uidValidity, uint uid, CancellationToken ct)
    {
        var request = new RunRequest { Trigger = payload, TriggerNodeId = trigger.TriggerId, StartedBy = StartedBy, Thread = trigger.Channel };
        var claim = new StartClaim($"email:{trigger.WorkflowId}:{trigger.TriggerId}", $"{uidValidity}:{uid}");
        switch (await _starter.StartAsync(trigger.WorkflowId, request, new StartOptions { Claim = claim }, ct))
        {
            case StartOutcome.Refused { Kind: StartProblemKind.AlreadyStarted }:
                LogAlreadyStarted(trigger.WorkflowId, trigger.TriggerId, uid);
                break;
            case StartOutcome.Refused refused:
                LogRefused(trigger.WorkflowId, trigger.TriggerId, uid, refused.Describe());
                break;
            case var started:
                LogStarted(trigger.WorkflowId, trigger.TriggerId, uid, started.StartedRunId);
                break;
        }
    }

    private static string Describe(Connection connection)
    {
        try
        {
            return MailServer.Of(connection).ImapAddress;
        }
        catch (InvalidOperationException)
        {
            return connection.Setting("ImapHost") ?? "(no ImapHost)";
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Watching folder {Folder} of mail connection {Connection} at {Server} ({Mode})")]
    private partial void LogWatching(string connection, string folder, string server, string mode);

    [LoggerMessage(Level = LogLevel.Error, Message = "Watching folder {Folder} of mail connection {Connection} at {Server} failed ({ErrorType}: {Error}); check its ImapHost, ImapPort, Security, UserName and Password, and that the folder exists. Connecting again in {Delay}")]
    private partial void LogWatchFailed(string connection, string folder, string server, string errorType, string error, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Folder {Folder} of mail connection {Connection} has a new UIDVALIDITY ({Old} -> {New}); mail already there is not read again, only what arrives from now on")]
    private partial void LogUidValidityChanged(string connection, string folder, uint old, uint @new);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {Uid} in folder {Folder} of mail connection {Connection} could not be parsed ({Error}); its runs start with what its envelope says")]
    private partial void LogUnparsable(string connection, string folder, uint uid, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Email trigger {TriggerId} of workflow {WorkflowId} started run {RunId} for message {Uid}")]
    private partial void LogStarted(string workflowId, string triggerId, uint uid, string? runId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Email trigger {TriggerId} of workflow {WorkflowId}: message {Uid} already started its run")]
    private partial void LogAlreadyStarted(string workflowId, string triggerId, uint uid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Email trigger {TriggerId} of workflow {WorkflowId} skipped message {Uid}: the run cannot start until the workflow is fixed and saved: {Problems}")]
    private partial void LogRefused(string workflowId, string triggerId, uint uid, string problems);

    // New mail announced by the server (EXISTS) while reading or idling: it ends the IDLE so the mail is read.
    private sealed class Arrivals
    {
        private readonly Lock _gate = new();
        private CancellationTokenSource? _idle;

        public bool Arrived { get; private set; }

        public void Reset()
        {
            lock (_gate) Arrived = false;
        }

        public void OnCountChanged(object? sender, EventArgs e)
        {
            lock (_gate)
            {
                Arrived = true;
                _idle?.Cancel();
            }
        }

        public IDisposable Ends(CancellationTokenSource idle)
        {
            lock (_gate)
            {
                _idle = idle;
                if (Arrived) idle.Cancel();
            }
            return new Release(this);
        }

        private sealed class Release(Arrivals arrivals) : IDisposable
        {
            public void Dispose()
            {
                lock (arrivals._gate) arrivals._idle = null;
            }
        }
    }
}
