using System.Text.Json;
using ChatFlows.Core.Agents;
using ChatFlows.Core.Running;
using ChatFlows.Core.Tests.Running;
using Microsoft.SemanticKernel;

namespace ChatFlows.Core.Tests.Agents;

/// <summary>Agent nodes in workflows run by the engine, through Semantic Kernel, against a fake model server on loopback.</summary>
[Collection(ModelServerCollection.Name)]
public sealed class AgentNodeTests : IAsyncLifetime
{
    private AgentHarness _host = null!;

    public async Task InitializeAsync() => _host = await AgentHarness.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task StartAsync_AgentCallsCurrentTime_AnswerLandsInData()
    {
        await _host.Agents.CreateAsync(AgentHarness.Summarizer());
        _host.ReplyWithCurrentTimeThenAnswer("It is 10:00 in Berlin.");

        var run = await _host.RunAsync(AgentHarness.SingleAgent());

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.True(run.TryGetData("sum", out var sum));
        Assert.Equal("It is 10:00 in Berlin.", sum.GetString());
        Assert.Equal(2, _host.Server.Requests.Count);
    }

    [Fact]
    public async Task StartAsync_AgentCallsCurrentTime_StepIsRecordedOnTheNode()
    {
        await _host.Agents.CreateAsync(AgentHarness.Summarizer());
        _host.ReplyWithCurrentTimeThenAnswer();

        var run = await _host.RunAsync(AgentHarness.SingleAgent());

        var step = Assert.Single(run.Node("sum").Steps!);
        Assert.Equal("current_time", step.Name);
        Assert.Equal("""{"timeZone":"Europe/Berlin"}""", step.Arguments!.Value.GetRawText());
        Assert.Equal("2026-11-24T10:00:00+01:00", step.Result!.Value.GetProperty("time").GetString());
        Assert.Equal("Europe/Berlin", step.Result!.Value.GetProperty("timeZone").GetString());
        Assert.Null(step.Error);
        Assert.Equal(_host.Time.GetUtcNow(), step.StartedAt);
    }

    [Fact]
    public async Task StartAsync_ToolTakesTime_StepDurationIsMeasuredOnTheClock()
    {
        _host.Tools.Add("slow_lookup", "Takes a while.", KernelFunctionFactory.CreateFromMethod(() =>
        {
            _host.Time.Advance(TimeSpan.FromMilliseconds(250));
            return "found";
        }, functionName: "slow_lookup"));
        await _host.Agents.CreateAsync(AgentHarness.Summarizer("slow_lookup"));
        _host.Server.Reply = request => request.Index == 0
            ? ModelReply.ToolCalls(5, 5, ("call_1", "slow_lookup", "{}"))
            : FakeModelServer.AfterToolResult(request, "call_1", ModelReply.Answer("found it", 5, 5));

        var run = await _host.RunAsync(AgentHarness.SingleAgent());

        var step = Assert.Single(run.Node("sum").Steps!);
        Assert.Equal(("slow_lookup", "found", 250.0), (step.Name, step.Result!.Value.GetString(), step.DurationMs));
    }

    [Fact]
    public async Task StartAsync_ToolRoundThenAnswer_UsageSumsBothCallsAndIsPriced()
    {
        await _host.Agents.CreateAsync(AgentHarness.Summarizer());
        _host.ReplyWithCurrentTimeThenAnswer();

        var run = await _host.RunAsync(AgentHarness.SingleAgent());

        var usage = run.Node("sum").Usage!;
        Assert.Equal((120L, 30L), (usage.PromptTokens, usage.CompletionTokens));
        // 120 prompt tokens at 2.50 and 30 completion tokens at 10 per million.
        Assert.Equal(0.0006m, usage.Cost);
    }

    [Fact]
    public async Task StartAsync_AgentNode_RequestCarriesInstructionsSettingsAndOnlyAllowedTools()
    {
        _host.Tools.Add("lookup_order", "Looks up an order.", KernelFunctionFactory.CreateFromMethod((string id) => $"order {id}", functionName: "lookup_order"));
        await _host.Agents.CreateAsync(AgentHarness.Summarizer());
        _host.ReplyWithCurrentTimeThenAnswer();

        await _host.RunAsync(AgentHarness.SingleAgent());

        var first = _host.Server.Requests[0];
        Assert.Equal("/v1/chat/completions", first.Path);
        Assert.Equal("llama3.1", first.Body.GetProperty("model").GetString());
        Assert.Equal(["system", "user"], first.Messages.Select(m => m.GetProperty("role").GetString()));
        Assert.Equal("You answer in one short sentence.", first.Messages[0].GetProperty("content").GetString());
        Assert.Equal("What time is it in Berlin?", first.Messages[1].GetProperty("content").GetString());
        Assert.Equal(0.2, first.Body.GetProperty("temperature").GetDouble(), 6);
        // OpenAI-compatible servers (Ollama, llama.cpp) read max_tokens, not max_completion_tokens.
        Assert.Equal(300, first.Body.GetProperty("max_tokens").GetInt32());
        Assert.False(first.Body.TryGetProperty("max_completion_tokens", out _));
        Assert.Equal(["current_time"], first.ToolNames);
        Assert.Equal("auto", first.ToolChoice);
        Assert.Null(first.Authorization);
    }

    [Fact]
    public async Task StartAsync_AfterToolRound_SecondRequestCarriesTheToolResult()
    {
        await _host.Agents.CreateAsync(AgentHarness.Summarizer());
        _host.ReplyWithCurrentTimeThenAnswer();

        await _host.RunAsync(AgentHarness.SingleAgent());

        var tool = _host.Server.Requests[1].Messages.Single(m => m.GetProperty("role").GetString() == "tool");
        Assert.Equal("call_1", tool.GetProperty("tool_call_id").GetString());
        var result = JsonElement.Parse(tool.GetProperty("content").GetString()!);
        Assert.Equal("2026-11-24T10:00:00+01:00", result.GetProperty("time").GetString());
    }

    [Fact]
    public async Task StartAsync_AgentWithoutTools_OffersNoToolsAndRecordsNoSteps()
    {
        await _host.Agents.CreateAsync(AgentHarness.Summarizer() with { Tools = [] });
        _host.Server.Reply = _ => ModelReply.Answer("Hello.", 12, 3);

        var run = await _host.RunAsync(AgentHarness.SingleAgent());

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.False(_host.Server.Requests.Single().Body.TryGetProperty("tools", out _));
        Assert.Null(run.Node("sum").Steps);
        Assert.Equal(new TokenUsage(12, 3, (12 * 2.50m + 3 * 10m) / 1_000_000m), run.Node("sum").Usage);
    }

    [Fact]
    public async Task StartAsync_InputIsAnArray_ModelGetsItAsJson()
    {
        await _host.Agents.CreateAsync(AgentHarness.Summarizer() with { Tools = [] });
        _host.Server.Reply = _ => ModelReply.Answer("Two items.", 1, 1);

        await _host.RunAsync(AgentHarness.SingleAgent(input: "{{ trigger.items }}"), """{"items": ["a", {"b": 2}]}""");

        var user = _host.Server.Requests.Single().Messages.Single(m => m.GetProperty("role").GetString() == "user");
        Assert.Equal("""["a",{"b":2}]""", user.GetProperty("content").GetString());
    }

    [Fact]
    public async Task StartAsync_ProfileWithApiKey_SendsItAsBearerToken()
    {
        await using var host = await AgentHarness.StartAsync(server => new() { ["local"] = WithKey(AgentHarness.LocalProfile(server), "sk-local") });
        await host.Agents.CreateAsync(AgentHarness.Summarizer());
        host.Server.Reply = _ => ModelReply.Answer("ok", 1, 1);

        await host.RunAsync(AgentHarness.SingleAgent());

        Assert.Equal("Bearer sk-local", host.Server.Requests.Single().Authorization);
    }

    [Fact]
    public async Task StartAsync_ToolThrows_StepKeepsTheErrorAndTheModelStillAnswers()
    {
        await _host.Agents.CreateAsync(AgentHarness.Summarizer());
        _host.Server.Reply = request => request.Index == 0
            ? ModelReply.ToolCalls(5, 5, ("call_1", "current_time", """{"timeZone":"Mars/Olympus_Mons"}"""))
            : FakeModelServer.AfterToolResult(request, "call_1", ModelReply.Answer("I could not tell the time on Mars.", 5, 5));

        var run = await _host.RunAsync(AgentHarness.SingleAgent());

        Assert.Equal(RunStatus.Succeeded, run.Status);
        var step = Assert.Single(run.Node("sum").Steps!);
        Assert.Equal("'Mars/Olympus_Mons' is not a known IANA time zone; use one like Europe/Berlin, or leave it out for UTC.", step.Error);
        Assert.Null(step.Result);
        var tool = _host.Server.Requests[1].Messages.Single(m => m.GetProperty("role").GetString() == "tool");
        Assert.Contains("not a known IANA time zone", tool.GetProperty("content").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_NoModelProfileConfigured_FailsNamingTheKeysToSet()
    {
        await using var host = await AgentHarness.StartAsync(_ => []);
        await host.Agents.CreateAsync(AgentHarness.Summarizer());

        var run = await host.RunAsync(AgentHarness.SingleAgent());

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal(
            "Agent 'summarizer' needs a model, but no model profile is configured; set ChatFlows:Models:<name>:Provider, :Model and :Endpoint (see README, Agents and models).",
            run.Node("sum").Error);
        Assert.Empty(host.Server.Requests);
    }

    [Fact]
    public async Task StartAsync_HostWithoutAgentRunner_FailsNamingTheKeysToSet()
    {
        await using var host = await AgentHarness.StartAsync(withRunner: false);
        await host.Agents.CreateAsync(AgentHarness.Summarizer());

        var run = await host.RunAsync(AgentHarness.SingleAgent());

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal(
            "Agent 'summarizer' needs a model, but no model profile is configured; set ChatFlows:Models:<name>:Provider, :Model and :Endpoint (see README, Agents and models).",
            run.Node("sum").Error);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task StartAsync_NoModelProfileAndAgentNotReached_OtherNodesRunFine(bool withRunner)
    {
        await using var host = await AgentHarness.StartAsync(_ => [], withRunner: withRunner);
        var document = Workflows.Build(
            [
                "ask:condition:trigger.ask === true",
                AgentHarness.AgentNode("sum", "summarizer", "{{ trigger.text }}"),
                """{"id": "echo", "type": "tool", "config": {"tool": "transform", "value": "echo {{ trigger.text }}"}}""",
            ],
            ["start->ask", "ask.true->sum", "ask.false->echo"]);

        var run = await host.RunAsync(document, """{"ask": false, "text": "hi"}""");

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal("echo hi", run.Node("echo").Output!.Value.GetString());
        Assert.Equal(NodeStatus.Skipped, run.Node("sum").Status);
    }

    [Fact]
    public async Task StartAsync_AgentUsesUnconfiguredProfile_NamesThatProfilesKeys()
    {
        await _host.Agents.CreateAsync(AgentHarness.Summarizer() with { Model = "gpt" });

        var run = await _host.RunAsync(AgentHarness.SingleAgent());

        Assert.Equal(
            "Agent 'summarizer' uses model profile 'gpt', which is not configured; set ChatFlows:Models:gpt:Provider, :Model and :Endpoint (see README, Agents and models).",
            run.Node("sum").Error);
    }

    [Fact]
    public async Task StartAsync_UnknownAgent_FailsSayingHowToCreateIt()
    {
        var run = await _host.RunAsync(AgentHarness.SingleAgent(agent: "ghost"));

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal("Agent 'ghost' does not exist; create it with POST /api/agents.", run.Node("sum").Error);
        Assert.Equal("sum", run.Error!.NodeId);
    }

    [Fact]
    public async Task StartAsync_HostWithoutAgentStore_FailsClearly()
    {
        await using var host = await AgentHarness.StartAsync(withStore: false);

        var run = await host.RunAsync(AgentHarness.SingleAgent());

        Assert.Equal("Agent nodes cannot run here: this host has no agent store.", run.Node("sum").Error);
    }

    [Fact]
    public async Task StartAsync_AgentAllowsAToolTheHostLacks_FailsNamingTheTool()
    {
        await _host.Agents.CreateAsync(AgentHarness.Summarizer("current_time", "http_get"));

        var run = await _host.RunAsync(AgentHarness.SingleAgent());

        Assert.Equal(
            "Agent 'summarizer' may use tool 'http_get', which this host does not offer; remove it from the agent (tools here: current_time).",
            run.Node("sum").Error);
        Assert.Empty(_host.Server.Requests);
    }

    [Fact]
    public async Task StartAsync_ModelAnswers500_FailsNamingProfileEndpointAndStatus()
    {
        await _host.Agents.CreateAsync(AgentHarness.Summarizer());
        _host.Server.Reply = _ => ModelReply.Error(500, "The model crashed.", "server_error");

        var run = await _host.RunAsync(AgentHarness.SingleAgent());

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal(
            $"Model profile 'local' ({_host.Server.Endpoint}) answered 500 Internal Server Error: The model crashed; the model server failed; try again later, or give the node a retry.",
            run.Node("sum").Error);
        // The engine's retry policy, not the HTTP client, decides about retries.
        Assert.Single(_host.Server.Requests);
    }

    [Fact]
    public async Task StartAsync_ModelAnswers401_PointsAtTheApiKey()
    {
        await _host.Agents.CreateAsync(AgentHarness.Summarizer());
        _host.Server.Reply = _ => ModelReply.Error(401, "Incorrect API key provided: sk-wrong.", "invalid_request_error");

        var run = await _host.RunAsync(AgentHarness.SingleAgent());

        Assert.Equal(
            $"Model profile 'local' ({_host.Server.Endpoint}) answered 401 Unauthorized: Incorrect API key provided: sk-wrong; check ChatFlows:Models:local:ApiKey.",
            run.Node("sum").Error);
    }

    [Fact]
    public async Task StartAsync_ModelFailsAfterAToolRound_FailedNodeKeepsStepsAndUsage()
    {
        await _host.Agents.CreateAsync(AgentHarness.Summarizer());
        _host.Server.Reply = request => request.Index == 0
            ? ModelReply.ToolCalls(50, 10, ("call_1", "current_time", "{}"))
            : ModelReply.Error(503, "Overloaded.", "server_error");

        var run = await _host.RunAsync(AgentHarness.SingleAgent());

        var node = run.Node("sum");
        Assert.Equal(NodeStatus.Failed, node.Status);
        Assert.StartsWith($"Model profile 'local' ({_host.Server.Endpoint}) answered 503 Service Unavailable: Overloaded;", node.Error, StringComparison.Ordinal);
        var step = Assert.Single(node.Steps!);
        Assert.Equal("2026-11-24T09:00:00+00:00", step.Result!.Value.GetProperty("time").GetString());
        Assert.Equal(new TokenUsage(50, 10, (50 * 2.50m + 10 * 10m) / 1_000_000m), node.Usage);
    }

    [Fact]
    public async Task StartAsync_ModelKeepsAskingForTools_StopsAtTheBoundAndGetsAnAnswerWithoutTools()
    {
        await _host.Agents.CreateAsync(AgentHarness.Summarizer());
        // Asks for the time again and again, and answers only when tools are switched off.
        _host.Server.Reply = request => request.ToolChoice == "none"
            ? ModelReply.Answer("It is 09:00 UTC.", 30, 7)
            : ModelReply.ToolCalls(10, 2, ($"call_{request.Index}", "current_time", "{}"));

        var run = await _host.RunAsync(AgentHarness.SingleAgent(more: "\"maxToolRounds\": 2"));

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal("It is 09:00 UTC.", run.Node("sum").Output!.Value.GetString());
        var requests = _host.Server.Requests;
        Assert.Equal(["auto", "auto", "none"], requests.Select(r => r.ToolChoice));
        Assert.Equal(
            "Your tool budget (2 tool rounds) is used up. Answer now with what you have, without calling tools.",
            requests[2].Messages[^1].GetProperty("content").GetString());
        Assert.Equal(2, run.Node("sum").Steps!.Count);
        Assert.Equal((50L, 11L), (run.Node("sum").Usage!.PromptTokens, run.Node("sum").Usage!.CompletionTokens));
    }

    [Fact]
    public async Task StartAsync_ServerIgnoresToolChoiceNone_FailsSayingTheBoundWasReached()
    {
        await _host.Agents.CreateAsync(AgentHarness.Summarizer());
        _host.Server.Reply = request => ModelReply.ToolCalls(10, 2, ($"call_{request.Index}", "current_time", "{}"));

        var run = await _host.RunAsync(AgentHarness.SingleAgent(more: "\"maxToolRounds\": 1"));

        var node = run.Node("sum");
        Assert.Equal(NodeStatus.Failed, node.Status);
        Assert.Equal(
            "Agent 'summarizer' still asked for tools after 1 tool round, although tools were switched off; raise maxToolRounds on the node (up to 32), or use a model on 'local' that honours tool_choice.",
            node.Error);
        Assert.Equal(2, _host.Server.Requests.Count);
        Assert.Single(node.Steps!);
        Assert.Equal((20L, 4L), (node.Usage!.PromptTokens, node.Usage!.CompletionTokens));
    }

    [Fact]
    public async Task StartAsync_DefaultBound_AllowsEightToolRounds()
    {
        await _host.Agents.CreateAsync(AgentHarness.Summarizer());
        _host.Server.Reply = request => request.ToolChoice == "none"
            ? ModelReply.Answer("done", 1, 1)
            : ModelReply.ToolCalls(1, 1, ($"call_{request.Index}", "current_time", "{}"));

        var run = await _host.RunAsync(AgentHarness.SingleAgent());

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(8, run.Node("sum").Steps!.Count);
        Assert.Equal(9, _host.Server.Requests.Count);
    }

    [Fact]
    public void Validate_AgentNodeWithoutAgentOrInput_ReportsBothPaths()
    {
        var document = Workflows.Build(["""{"id": "sum", "type": "agent", "config": {}}"""], ["start->sum"]);

        var problems = _host.Engine.Validate(document);

        Assert.Contains(problems, p => p.Path == "nodes/sum/config/agent");
        Assert.Contains(problems, p => p.Path == "nodes/sum/config/input");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("33")]
    [InlineData("\"eight\"")]
    public void Validate_MaxToolRoundsOutOfRange_ReportsThePath(string value)
    {
        var document = AgentHarness.SingleAgent(more: $"\"maxToolRounds\": {value}");

        var problem = Assert.Single(_host.Engine.Validate(document));

        Assert.Equal(("nodes/sum/config/maxToolRounds", "maxToolRounds must be a whole number from 1 to 32."), (problem.Path, problem.Message));
    }

    [Fact]
    public void Validate_AgentIdWithCapitals_ReportsThePath()
    {
        var problem = Assert.Single(_host.Engine.Validate(AgentHarness.SingleAgent(agent: "Summarizer")));

        Assert.Equal("nodes/sum/config/agent", problem.Path);
    }

    [Fact]
    public async Task Validate_AgentNodeOnHostWithoutModels_IsValid()
    {
        await using var host = await AgentHarness.StartAsync(_ => [], withRunner: false, withStore: false);

        Assert.Empty(host.Engine.Validate(AgentHarness.SingleAgent(more: "\"maxToolRounds\": 3")));
    }

    private static ModelProfile WithKey(ModelProfile profile, string key)
    {
        profile.ApiKey = key;
        return profile;
    }
}
