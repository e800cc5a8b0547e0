using System.Text.Json;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Messaging;
using ChatFlows.Core.Running;
using ChatFlows.Core.Storage;
using Microsoft.Data.Sqlite;

namespace ChatFlows.Bot.Tests.Slack;

/// <summary>
/// The host is killed (SIGKILL) after Slack stored a run's progress card but before its answer arrived, so the card's
/// id was never recorded; started again on the same database, it finds the card by its metadata instead of posting a
/// second one, and the run's message still goes into that card's thread.
/// </summary>
public sealed class SlackCardCrashTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(40);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "chatflows-tests", Guid.NewGuid().ToString("N"));
    private SqliteDatabase _database = null!;
    private FakeSlackApi _slack = null!;
    private Dictionary<string, string> _settings = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        _database = new SqliteDatabase($"Data Source={Path.Combine(_folder, "chatflows.db")}");
        _database.Migrate();
        _slack = await FakeSlackApi.StartAsync();
        _settings = new()
        {
            ["ChatFlows:Storage:ConnectionString"] = _database.ConnectionString,
            ["ChatFlows:Samples:Seed"] = "false",
            ["ChatFlows:Runs:LeaseDuration"] = "00:00:02",
            ["ChatFlows:Runs:PollInterval"] = "00:00:00.200",
            ["ChatFlows:Slack:SigningSecret"] = SlackHost.SigningSecret,
            ["ChatFlows:Slack:BotToken"] = FakeSlackApi.DefaultBotToken,
            ["ChatFlows:Slack:ApiBaseUrl"] = _slack.ApiBaseUrl,
        };
    }

    public async Task DisposeAsync()
    {
        await _slack.DisposeAsync();
        SqliteConnection.ClearAllPools();
        TestFolder.Delete(_folder);
    }

    [Fact]
    public async Task ProgressCard_HostKilledBetweenPostAndRecord_IsFoundAfterRestartNotPostedTwice()
    {
        var runId = await QueueChatRunAsync("slack:C0CRASH");
        _slack.HoldAnswerNext("chat.postMessage");

        using (var host = HostProcess.Start(_folder, _settings))
        {
            // Slack has the card; the host is still waiting for the answer that would have given it the ts.
            await WaitAsync(() => _slack.CardsOf(runId).Count == 1, "the card to reach Slack", host);
            await host.KillAsync();
        }
        var cards = new DatabaseChatCardStore(_database, TimeProvider.System);
        var beforeRestart = await cards.FindAsync(runId, ChatCard.Progress);
        Assert.False(beforeRestart!.IsPosted);
        Assert.NotNull(beforeRestart.AttemptedAt);

        using var restarted = HostProcess.Start(_folder, _settings);
        await using var store = new SqliteRunStore(_database, TimeProvider.System);
        await WaitAsync(async () => (await store.GetAsync(runId))?.Status.IsTerminal() == true, "the run to end", restarted);
        await WaitAsync(async () => (await cards.FindAsync(runId, ChatCard.Progress))?.IsPosted == true, "the card's id to be recorded", restarted);

        var card = Assert.Single(_slack.CardsOf(runId));
        Assert.Equal((await cards.FindAsync(runId, ChatCard.Progress))!.Message.MessageId, card.Ts);
        Assert.Contains(_slack.Calls, c => c.Method == "conversations.history");
        // What the run said went into the card's thread, once.
        var said = Assert.Single(_slack.MessagesIn("C0CRASH"), m => m.Text?.Contains("deployed", StringComparison.Ordinal) == true);
        Assert.Equal(card.Ts, said.ThreadTs);
        Assert.Equal(RunStatus.Succeeded, (await store.GetAsync(runId))!.Status);
    }

    [Fact]
    public async Task ApprovalCard_HostKilledBeforeRecordingIt_IsRecordedAndPostedAfterRestart()
    {
        // The progress card's answer is held, so the approval card (which goes into its thread) is not posted before
        // the kill; its record is then taken out, as a host killed between committing the wait and recording the card
        // leaves it.
        var runId = await QueueChatRunAsync("slack:C0CRASH", """
            {"id": "gate", "nodes": [
              {"id": "start", "type": "trigger", "config": {"kind": "manual"}},
              {"id": "ask", "type": "approval", "config": {"prompt": "Ship it?", "approvers": ["slack:U0CRASH"]}}],
             "edges": [{"from": "start", "to": "ask"}]}
            """);
        _slack.HoldAnswerNext("chat.postMessage");
        var cards = new DatabaseChatCardStore(_database, TimeProvider.System);
        await using var store = new SqliteRunStore(_database, TimeProvider.System);
        using (var host = HostProcess.Start(_folder, _settings))
        {
            await WaitAsync(async () => (await store.GetAsync(runId))?.Status == RunStatus.Waiting, "the run to wait for its approval", host);
            await WaitAsync(async () => await cards.FindAsync(runId, ChatCard.Approval, "ask") is not null, "the approval card to be recorded", host);
            await WaitAsync(() => _slack.CardsOf(runId).Count == 1, "the progress card to reach Slack", host);
            await host.KillAsync();
        }
        await using (var connection = new SqliteConnection(_database.ConnectionString))
        {
            await connection.OpenAsync();
            using var delete = connection.CreateCommand();
            delete.CommandText = "delete from chat_messages where run_id = $run and kind = $kind";
            delete.Parameters.AddWithValue("$run", runId);
            delete.Parameters.AddWithValue("$kind", ChatCard.Approval);
            Assert.Equal(1, await delete.ExecuteNonQueryAsync());
        }
        Assert.DoesNotContain(_slack.CardsOf(runId), c => c.Kind == "approval");

        using var restarted = HostProcess.Start(_folder, _settings);
        await WaitAsync(() => _slack.CardsOf(runId).Any(c => c.Kind == "approval"), "the approval card to be posted", restarted);
        var progress = Assert.Single(_slack.CardsOf(runId), c => c.Kind == "progress");
        var approval = Assert.Single(_slack.CardsOf(runId), c => c.Kind == "approval");
        Assert.Equal(progress.Ts, approval.ThreadTs);
        Assert.Equal(RunStatus.Waiting, (await store.GetAsync(runId))!.Status);
    }

    private const string ShipWorkflow = """
        {"id": "ship", "nodes": [
          {"id": "start", "type": "trigger", "config": {"kind": "manual"}},
          {"id": "say", "type": "output", "config": {"kind": "message", "text": "deployed"}}],
         "edges": [{"from": "start", "to": "say"}]}
        """;

    // Stores what a /run in a channel stores before answering (ChatRunStarter): the progress card's intent, then the
    // run, whose thread is the card's; the host posts the card and runs the run.
    private async Task<string> QueueChatRunAsync(string channel, string workflow = ShipWorkflow)
    {
        var document = WorkflowJson.Parse(workflow);
        var saved = await new SqliteWorkflowStore(_database, TimeProvider.System).CreateAsync(document);
        var plan = WorkflowPlan.Compile(saved!.Document, Core.Nodes.NodeRegistry.CreateDefault());
        var runId = WorkflowEngine.NewRunId();
        var thread = ChatChannels.CardThreadOf(runId);
        await new DatabaseChatCardStore(_database, TimeProvider.System).AddIntentAsync(ChatCard.Intent(runId, ChatCard.Progress, "", channel));
        var request = new RunRequest { Trigger = JsonSerializer.SerializeToElement(new { thread }), Thread = thread, StartedBy = "slack:U0CRASH" };
        await using var runs = new SqliteRunStore(_database, TimeProvider.System);
        await runs.EnqueueAsync(new RunState(plan, request, runId), owner: null, default);
        return runId;
    }

    private static Task WaitAsync(Func<bool> condition, string what, HostProcess host) => WaitAsync(() => Task.FromResult(condition()), what, host);

    private static async Task WaitAsync(Func<Task<bool>> condition, string what, HostProcess host)
    {
        using var deadline = new CancellationTokenSource(Patience);
        while (!await condition())
        {
            if (deadline.IsCancellationRequested) Assert.Fail($"Waited {Patience.TotalSeconds:0} s for {what}. Host output:\n{host.Output}");
            await Task.Delay(50, CancellationToken.None);
        }
    }
}
