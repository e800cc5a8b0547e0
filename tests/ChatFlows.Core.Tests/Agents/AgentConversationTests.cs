using System.Text.Json;
using ChatFlows.Core.Agents;
using ChatFlows.Core.Messaging;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;

namespace ChatFlows.Core.Tests.Agents;

/// <summary>
/// Agents in a conversation: tools confirmed by a person one call at a time, the thread's earlier messages as history,
/// and input and history trimmed to the profile's context window.
/// </summary>
[Collection(ModelServerCollection.Name)]
public sealed class AgentConversationTests : IAsyncLifetime
{
    private AgentHarness _host = null!;

    public async Task InitializeAsync() => _host = await AgentHarness.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task ResumeAsync_TwoConfirmedCallsInOneRound_AsksForEachInTurn()
    {
        await _host.Agents.CreateAsync(AgentHarness.Summarizer() with { Confirm = [AgentToolCatalog.CurrentTime] });
        _host.Server.Reply = request => request.Index == 0
            ? ModelReply.ToolCalls(10, 5, ("call_1", "current_time", """{"timeZone":"Europe/Berlin"}"""), ("call_2", "current_time", """{"timeZone":"Asia/Tokyo"}"""))
            : FakeModelServer.AfterToolResult(request, "call_2", ModelReply.Answer("Berlin is 10:00; Tokyo I may not say.", 20, 5));

        var run = await _host.RunAsync(AgentHarness.SingleAgent(), startedBy: "playground:ana");
        var first = ApprovalRequest.From(run.Node("sum").Output)!;
        run = await _host.Engine.ResumeAsync(run, new Resumption(ApprovalNode.Bookmark, Decision(true, "playground:ana", null), "sum"));
        var second = ApprovalRequest.From(run.Node("sum").Output)!;
        run = await _host.Engine.ResumeAsync(run, new Resumption(ApprovalNode.Bookmark, Decision(false, "playground:ana", "no need"), "sum"));

        Assert.Equal("Agent Summarizer (summarizer) wants to call current_time with:\ntimeZone: Europe/Berlin", first.Prompt);
        Assert.Equal(["playground:ana"], first.Approvers);
        Assert.EndsWith("timeZone: Asia/Tokyo", second.Prompt, StringComparison.Ordinal);
        Assert.True(run.Status == RunStatus.Succeeded, run.Node("sum").Error);
        Assert.Equal("Berlin is 10:00; Tokyo I may not say.", run.Node("sum").Output!.Value.GetString());
        Assert.Equal(2, _host.Server.Requests.Count);
        var tools = _host.Server.Requests[1].Messages.Where(m => m.GetProperty("role").GetString() == "tool").ToArray();
        Assert.Contains("Europe/Berlin", tools[0].GetProperty("content").GetString(), StringComparison.Ordinal);
        Assert.Equal("playground:ana rejected this call: no need", tools[1].GetProperty("content").GetString());
        var steps = run.Node("sum").Steps!;
        Assert.Equal(("playground:ana", (string?)null), (steps[0].ApprovedBy, steps[0].Error));
        Assert.Equal(((string?)null, "playground:ana rejected this call: no need"), (steps[1].ApprovedBy, steps[1].Error));
        Assert.Equal((30L, 10L), (run.Node("sum").Usage!.PromptTokens, run.Node("sum").Usage!.CompletionTokens));
    }

    [Fact]
    public async Task ResumeAsync_ConfirmTimeoutPassed_ModelIsToldNobodyApprovedInTime()
    {
        await _host.Agents.CreateAsync(AgentHarness.Summarizer() with { Confirm = [AgentToolCatalog.CurrentTime] });
        _host.ReplyWithCurrentTimeThenAnswer("I could not check the time.");

        var run = await _host.RunAsync(AgentHarness.SingleAgent(more: "\"approvers\": [\"slack:U012AB3CD\"], \"confirmTimeout\": \"PT1H\""));
        var asked = ApprovalRequest.From(run.Node("sum").Output)!;
        run = await _host.Engine.ResumeAsync(run, new Resumption(ApprovalNode.Bookmark, null, "sum"));

        Assert.Equal(["slack:U012AB3CD"], asked.Approvers);
        Assert.Equal(_host.Time.GetUtcNow().AddHours(1), asked.ExpiresAt);
        Assert.True(run.Status == RunStatus.Succeeded, run.Node("sum").Error);
        var tool = _host.Server.Requests[1].Messages.Single(m => m.GetProperty("role").GetString() == "tool");
        Assert.Equal("Nobody approved this call in time, so it was not made.", tool.GetProperty("content").GetString());
    }

    [Fact]
    public async Task StartAsync_ConfirmedCallWithoutApproversOrStarter_FailsSayingToSetApprovers()
    {
        await _host.Agents.CreateAsync(AgentHarness.Summarizer() with { Confirm = [AgentToolCatalog.CurrentTime] });
        _host.ReplyWithCurrentTimeThenAnswer();

        var run = await _host.RunAsync(AgentHarness.SingleAgent(), startedBy: "schedule");

        Assert.Equal(NodeStatus.Failed, run.Node("sum").Status);
        Assert.Equal(
            "Agent 'summarizer' wants to call current_time, which waits for a person's approval, but this run does not know who started it (schedule); " +
            "set approvers on the agent node, like [\"slack:U012AB3CD\"] or [\"anyone\"].",
            run.Node("sum").Error);
        Assert.Single(_host.Server.Requests);
    }

    [Fact]
    public void Validate_BadHistoryApproverAndTimeout_ReportEachPath()
    {
        var document = AgentHarness.SingleAgent(more: "\"history\": \"all\", \"approvers\": [\"bob\"], \"confirmTimeout\": \"an hour\"");

        var problems = _host.Engine.Validate(document).Select(p => p.Path).Order(StringComparer.Ordinal);

        Assert.Equal(["nodes/sum/config/approvers/0", "nodes/sum/config/confirmTimeout", "nodes/sum/config/history"], problems);
    }

    [Fact]
    public async Task StartAsync_HistoryThread_EarlierMessagesReachTheModelInTheirRoles()
    {
        await _host.Agents.CreateAsync(AgentHarness.Summarizer([]) with { Tools = [] });
        var thread = new FakeThread(
            new ThreadMessage("Plan a trip to Lisbon.", false, "fake:ana", "1"),
            new ThreadMessage("Three days: Alfama, Belém, Sintra.", true, null, "2"),
            new ThreadMessage("And the food?", false, "fake:ana", "3"));
        _host.Options.Chat = new ChatChannels([thread]);
        _host.Server.Reply = _ => ModelReply.Answer("Try pastéis de nata.", 5, 5);

        var run = await _host.RunAsync(
            AgentHarness.SingleAgent(input: "{{ trigger.text }}", more: "\"history\": \"thread\""), """{"text": "And the food?", "ts": "3"}""", thread: "fake:trips#1");

        Assert.True(run.Status == RunStatus.Succeeded, run.Node("sum").Error);
        var messages = _host.Server.Requests.Single().Messages;
        Assert.Equal(
            [("system", "You answer in one short sentence."), ("user", "Plan a trip to Lisbon."), ("assistant", "Three days: Alfama, Belém, Sintra."), ("user", "And the food?")],
            messages.Select(m => (m.GetProperty("role").GetString(), m.GetProperty("content").GetString())));
        var note = Assert.Single(run.Node("sum").Steps!);
        Assert.Equal(AgentNode.HistoryStep, note.Name);
        Assert.Equal(2, note.Result!.Value.GetProperty("messages").GetInt32());
    }

    [Fact]
    public async Task StartAsync_HistoryThreadOnAPlatformWithoutHistory_RunLogSaysSo()
    {
        await _host.Agents.CreateAsync(AgentHarness.Summarizer() with { Tools = [] });
        _host.Options.Chat = new ChatChannels([new RecordingChatChannel("teams")]);

        var run = await _host.RunAsync(AgentHarness.SingleAgent(more: "\"history\": \"thread\""), thread: "teams:19:abc@thread.tacv2");

        Assert.True(run.Status == RunStatus.Succeeded, run.Node("sum").Error);
        Assert.Equal(2, _host.Server.Requests.Single().Messages.Count);
        Assert.Equal("teams threads cannot be read back, so the agent got no history (README §Agents and models).", run.Node("sum").Steps!.Single().Error);
    }

    [Fact]
    public async Task RunAsync_HistoryOverflowsContextWindow_DropsTheOldestAndShowsTheTrim()
    {
        using var runner = Runner(contextWindow: 300);
        _host.Server.Reply = _ => ModelReply.Answer("ok", 1, 1);
        var history = new[]
        {
            new ThreadMessage(new string('a', 400), false),
            new ThreadMessage(new string('b', 400), true),
            new ThreadMessage(new string('c', 400), false),
        };

        var answer = await runner.RunAsync(Agent(), new AgentPrompt("What now?", history), 1, null, default);

        var roles = _host.Server.Requests.Single().Messages.Select(m => (m.GetProperty("role").GetString(), m.GetProperty("content").GetString()![0])).ToArray();
        Assert.Equal([("system", 'Y'), ("assistant", 'b'), ("user", 'c'), ("user", 'W')], roles);
        var step = Assert.Single(answer.Steps);
        Assert.Equal(AgentRunner.ContextTrimmedStep, step.Name);
        Assert.Equal(1, step.Result!.Value.GetProperty("droppedMessages").GetInt32());
        Assert.Equal(0, step.Result!.Value.GetProperty("inputTrimmedTokens").GetInt32());
    }

    [Fact]
    public async Task RunAsync_InputAloneOverflowsContextWindow_CutsItWithAMarker()
    {
        using var runner = Runner(contextWindow: 300);
        _host.Server.Reply = _ => ModelReply.Answer("ok", 1, 1);

        var answer = await runner.RunAsync(Agent(), new AgentPrompt(new string('x', 2000), [new ThreadMessage("earlier", false)]), 1, null, default);

        var input = _host.Server.Requests.Single().Messages[^1].GetProperty("content").GetString()!;
        Assert.Equal(2, _host.Server.Requests.Single().Messages.Count);
        Assert.EndsWith("…[trimmed 267 tokens]", input, StringComparison.Ordinal);
        Assert.True(AgentRunner.EstimateTokens(input) <= 300 - 50 - 13, $"{AgentRunner.EstimateTokens(input)} tokens");
        Assert.Equal(267, answer.Steps.Single().Result!.Value.GetProperty("inputTrimmedTokens").GetInt32());
    }

    [Fact]
    public async Task RunAsync_NoContextWindow_NothingIsTrimmed()
    {
        using var runner = Runner(contextWindow: null);
        _host.Server.Reply = _ => ModelReply.Answer("ok", 1, 1);

        var answer = await runner.RunAsync(Agent(), new AgentPrompt(new string('x', 2000), [new ThreadMessage(new string('y', 4000), false)]), 1, null, default);

        Assert.Equal(3, _host.Server.Requests.Single().Messages.Count);
        Assert.Equal(2000, _host.Server.Requests.Single().Messages[^1].GetProperty("content").GetString()!.Length);
        Assert.Empty(answer.Steps);
    }

    private static AgentDefinition Agent() => AgentHarness.Summarizer() with { Tools = [], MaxOutputTokens = 50 };

    private AgentRunner Runner(int? contextWindow)
    {
        var profile = AgentHarness.LocalProfile(_host.Server);
        profile.ContextWindow = contextWindow;
        return new AgentRunner(new ModelProfiles(new Dictionary<string, ModelProfile> { ["local"] = profile }), _host.Tools, _host.Time);
    }

    private static JsonElement Decision(bool approved, string by, string? comment) => ApprovalRequest.Decision(approved, by, DateTimeOffset.UnixEpoch, comment, null);

    /// <summary>A chat platform <c>fake</c> whose one thread holds the given messages.</summary>
    private sealed class FakeThread(params ThreadMessage[] messages) : IThreadHistory
    {
        public string Platform => "fake";

        public Task<PostedMessage> PostAsync(ChatMessage message, CancellationToken ct) => Task.FromResult(new PostedMessage(message.Target, "9"));

        public Task<IReadOnlyList<ThreadMessage>> ReadThreadAsync(string thread, int limit, CancellationToken ct) =>
            Task.FromResult<IReadOnlyList<ThreadMessage>>(thread == "fake:trips#1" ? messages.TakeLast(limit).ToArray() : []);
    }
}
