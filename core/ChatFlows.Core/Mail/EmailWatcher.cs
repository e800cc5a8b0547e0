using ChatFlows.Core.Connections;
using ChatFlows.Core.Running;
using ChatFlows.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatFlows.Core.Mail;

/// <summary>
/// Starts the runs of <c>trigger/email</c> nodes: follows the saved workflows, and holds one IMAP connection per
/// (connection, folder) that some email trigger needs. Each new message starts one run per matching trigger,
/// claimed by (trigger, UIDVALIDITY:UID) in the transaction that stores the run, so a message starts exactly one
/// run however many instances watch the folder and however often one restarts (docs/semantics.md).
/// </summary>
public sealed partial class EmailWatcher
{
    /// <summary>The <see cref="RunRequest.StartedBy"/> of runs started by mail.</summary>
    public const string StartedBy = "email";

    private readonly IWorkflowStore _workflows;
    private readonly RunStarter _starter;
    private readonly ConnectionRegistry _connections;
    private readonly MailCursors _cursors;
    private readonly TimeProvider _time;
    private readonly MailOptions _options;
    private readonly ILogger _logger;
    private readonly Dictionary<(string Connection, string Folder), FolderWatch> _watches = new();
    private readonly SemaphoreSlim _wake = new(0);
    // Triggers already reported as naming no mail connection, so that each refresh does not repeat it.
    private readonly HashSet<(string WorkflowId, string TriggerId)> _reported = [];

    /// <summary>Creates the watcher of one instance.</summary>
    public EmailWatcher(
        IWorkflowStore workflows, RunStarter starter, ConnectionRegistry connections, MailCursors cursors, TimeProvider time, MailOptions? options = null,
        ILogger<EmailWatcher>? logger = null)
    {
        _workflows = workflows;
        _starter = starter;
        _connections = connections;
        _cursors = cursors;
        _time = time;
        _options = options ?? new MailOptions();
        _logger = logger ?? NullLogger<EmailWatcher>.Instance;
    }

    /// <summary>The (connection, folder) pairs watched, as of the last refresh.</summary>
    public IReadOnlyList<(string Connection, string Folder)> Watched
    {
        get
        {
            lock (_watches) return _watches.Keys.ToArray();
        }
    }

    /// <summary>Follows the saved workflows and watches their folders until <paramref name="stoppingToken"/> is cancelled.</summary>
    public async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _workflows.Changed += OnWorkflowChanged;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await RefreshAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogReadFailed(ex);
                }
                using var due = new CancellationTokenSource(_options.RefreshInterval, _time);
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(due.Token, stoppingToken);
                try
                {
                    await _wake.WaitAsync(wait.Token);
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                    // Time to read the workflows again.
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            _workflows.Changed -= OnWorkflowChanged;
            FolderWatch[] watches;
            lock (_watches)
            {
                watches = _watches.Values.ToArray();
                _watches.Clear();
            }
            foreach (var watch in watches) await watch.StopAsync();
        }
    }

    private void OnWorkflowChanged(WorkflowChange change) => _wake.Release();

    private async Task RefreshAsync(CancellationToken ct)
    {
        var triggers = new List<EmailTrigger>();
        foreach (var stored in await _workflows.ListAsync(ct))
        {
            triggers.AddRange(EmailTrigger.Read(stored.Document, (triggerId, error) => LogUnreadable(stored.Document.Id, triggerId, error)));
        }
        // A trigger whose connection is missing (a seeded sample before its connection is set up) is not watched
        // until the connection appears; saving the workflow or adding the connection is picked up at a refresh.
        var usable = new List<EmailTrigger>();
        foreach (var trigger in triggers)
        {
            if (_connections.Find(trigger.Workspace, trigger.Connection) is { Type: ConnectionTypes.Mail })
            {
                usable.Add(trigger);
                _reported.Remove((trigger.WorkflowId, trigger.TriggerId));
            }
            else if (_reported.Add((trigger.WorkflowId, trigger.TriggerId)))
            {
                LogNoConnection(trigger.WorkflowId, trigger.TriggerId, trigger.ConnectionKey);
            }
        }
        var wanted = usable.GroupBy(t => (Connection: t.ConnectionKey, t.Folder)).ToDictionary(g => g.Key, g => g.ToArray());
        var stopped = new List<FolderWatch>();
        lock (_watches)
        {
            foreach (var (key, folderTriggers) in wanted)
            {
                if (_watches.TryGetValue(key, out var watch))
                {
                    watch.Triggers = folderTriggers;
                    continue;
                }
                watch = new FolderWatch(key.Connection, key.Folder) { Triggers = folderTriggers, Workspace = folderTriggers[0].Workspace, Name = folderTriggers[0].Connection };
                _watches[key] = watch;
                watch.Start(token => WatchAsync(watch, token));
            }
            foreach (var key in _watches.Keys.Where(k => !wanted.ContainsKey(k)).ToArray())
            {
                stopped.Add(_watches[key]);
                _watches.Remove(key);
            }
        }
        foreach (var watch in stopped) await watch.StopAsync();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Email trigger {TriggerId} of workflow {WorkflowId} is not followed: {Error}")]
    private partial void LogUnreadable(string workflowId, string triggerId, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Email trigger {TriggerId} of workflow {WorkflowId} is not watched: there is no mail connection '{Connection}'; add one of that name to start it")]
    private partial void LogNoConnection(string workflowId, string triggerId, string connection);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading workflows for their email triggers failed; trying again at the next refresh")]
    private partial void LogReadFailed(Exception error);

    /// <summary>One watched folder: its triggers (replaced when workflows change) and the task that watches it.</summary>
    private sealed class FolderWatch(string connection, string folder)
    {
        private readonly CancellationTokenSource _stop = new();
        private Task _task = Task.CompletedTask;

        public string Connection { get; } = connection;

        public string Workspace { get; init; } = Workspaces.WorkspaceIds.Default;

        public string Name { get; init; } = connection;

        public string Folder { get; } = folder;

        public EmailTrigger[] Triggers
        {
            get => Volatile.Read(ref field);
            set => Volatile.Write(ref field, value);
        } = [];

        public void Start(Func<CancellationToken, Task> watch) => _task = Task.Run(() => watch(_stop.Token));

        public async Task StopAsync()
        {
            await _stop.CancelAsync();
            try
            {
                await _task;
            }
            catch (OperationCanceledException)
            {
            }
            _stop.Dispose();
        }
    }
}
