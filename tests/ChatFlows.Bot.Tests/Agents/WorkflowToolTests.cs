using System.Text.Json;
using ChatFlows.Core.Agents;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Expressions;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;
using ChatFlows.Core.Tests.Agents;
using Microsoft.Extensions.DependencyInjection;

namespace ChatFlows.Bot.Tests.Agents;

/// <summary>
/// Workflows as agent tools in the real host (README §Workflows as tools): the model calls <c>workflow_deploy_status</c>,
/// the call runs the workflow as a child run of the agent's run, and the model gets the child's result.
/// </summary>
public sealed class WorkflowToolTests : IAsyncLifetime
{
    private const string DeployStatus = """
        {
          "id": "deploy-status",
          "name": "Deploy status",
          "description": "Tells whether a service is deployed.",
          "nodes": [
            {"id": "start", "type": "trigger", "config": {"kind": "manual", "input": {
              "type": "object",
              "properties": {
                "service": {"type": "string", "description": "The service to look at"},
                "count": {"type": "integer", "default": 1}
              },
              "required": ["service"]
            }}},
            {"id": "done", "type": "output", "config": {"kind": "end", "value": {"service": "{{ trigger.args.service }}", "state": "deployed", "agent": "{{ trigger.agent }}"}}}
          ],
          "edges": [{"from": "start", "to": "done"}]
        }
        """;

    private const string AskOps = """
        {
          "id": "ask-ops",
          "nodes": [
            {"id": "play", "type": "trigger", "config": {"kind": "manual"}},
            {"id": "ask", "type": "agent", "config": {"agent": "ops", "input": "{{ trigger.question }}"}}
          ],
          "edges": [{"from": "play", "to": "ask"}]
        }
        """;

    private ModelHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await ModelHost.StartAsync();
        await PostAsync("/api/workflows", DeployStatus);
        await PostAsync("/api/agents", """{"id": "ops", "name": "Ops", "instructions": "Answer with the workflows you have.", "tools": ["workflow:deploy-status"]}""");
        await PostAsync("/api/workflows", AskOps);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task AgentNode_CallsWorkflowWithGoodArguments_ChildRunOfTheAgentsRunAnswersAndTheStepLinksIt()
    {
        _host.Model.Reply = request => request.Index == 0
            ? ModelReply.ToolCalls(10, 5, ("call_1", "workflow_deploy_status", """{"service": "web"}"""))
            : FakeModelServer.AfterToolResult(request, "call_1", ModelReply.Answer("web is deployed.", 20, 5));

        var run = await RunToEndAsync("""{"question": "Is web deployed?"}""");

        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        Assert.Equal("web is deployed.", run.GetProperty("data").GetProperty("ask").GetString());
        var tool = JsonElement.Parse(_host.Model.Requests[0].Body.GetProperty("tools")[0].GetRawText()).GetProperty("function");
        Assert.Equal("workflow_deploy_status", tool.GetProperty("name").GetString());
        Assert.StartsWith("Deploy status: Tells whether a service is deployed.", tool.GetProperty("description").GetString(), StringComparison.Ordinal);
        var parameters = tool.GetProperty("parameters");
        Assert.Equal("string", parameters.GetProperty("properties").GetProperty("service").GetProperty("type").GetString());
        Assert.Equal("The service to look at", parameters.GetProperty("properties").GetProperty("service").GetProperty("description").GetString());
        Assert.Equal("integer", parameters.GetProperty("properties").GetProperty("count").GetProperty("type").GetString());
        Assert.Equal(["service"], parameters.GetProperty("required").EnumerateArray().Select(r => r.GetString()));

        var step = Assert.Single(StepsOf(run));
        var childId = step.GetProperty("runId").GetString()!;
        var child = JsonElement.Parse(await _host.Client.GetStringAsync($"/api/runs/{childId}"));
        Assert.Equal("deploy-status", child.GetProperty("workflowId").GetString());
        Assert.Equal(run.GetProperty("id").GetString(), child.GetProperty("parentRunId").GetString());
        Assert.Equal("succeeded", child.GetProperty("status").GetString());
        // The default of count is filled in, and the workflow is told which agent called it.
        Assert.Equal(1, child.GetProperty("trigger").GetProperty("args").GetProperty("count").GetInt32());
        Assert.Equal("ops", child.GetProperty("trigger").GetProperty("agent").GetString());
        var toolMessage = _host.Model.Requests[1].Messages.Single(m => m.GetProperty("role").GetString() == "tool");
        var result = JsonElement.Parse(toolMessage.GetProperty("content").GetString()!);
        Assert.Equal("deployed", result.GetProperty("state").GetString());
        Assert.Equal("web", result.GetProperty("service").GetString());
    }

    [Fact]
    public async Task AgentNode_CallsWorkflowWithBadArguments_NothingStartsAndTheModelIsToldWhatIsWrong()
    {
        _host.Model.Reply = request => request.Index == 0
            ? ModelReply.ToolCalls(10, 5, ("call_1", "workflow_deploy_status", """{"count": "many"}"""))
            : FakeModelServer.AfterToolResult(request, "call_1", ModelReply.Answer("I could not check.", 20, 5));

        var run = await RunToEndAsync("""{"question": "Is it deployed?"}""");

        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        var content = _host.Model.Requests[1].Messages.Single(m => m.GetProperty("role").GetString() == "tool").GetProperty("content").GetString()!;
        Assert.Contains("service: required (The service to look at)", content, StringComparison.Ordinal);
        Assert.Contains("count: must be an integer, not 'many'", content, StringComparison.Ordinal);
        var step = Assert.Single(StepsOf(run));
        Assert.Contains("service: required", step.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, step.GetProperty("runId").ValueKind);
        var children = JsonElement.Parse(await _host.Client.GetStringAsync("/api/runs?workflow=deploy-status"));
        Assert.Empty(children.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task AgentNode_ExecutedAgainAfterItsCallStartedTheChild_WaitsForThatChildInsteadOfStartingAnother()
    {
        _host.Model.Reply = request => request.Index % 2 == 0
            ? ModelReply.ToolCalls(10, 5, ("call_1", "workflow_deploy_status", """{"service": "web"}"""))
            : FakeModelServer.AfterToolResult(request, "call_1", ModelReply.Answer("web is deployed.", 20, 5));
        var run = await RunToEndAsync("""{"question": "Is web deployed?"}""");
        var firstChild = Assert.Single(StepsOf(run)).GetProperty("runId").GetString();

        // The same node of the same run executed again, as after a crash: its first call has the same child run id.
        var agent = (await _host.Services.GetRequiredService<IAgentStore>().GetAsync("ops"))!;
        var node = new NodeContext
        {
            RunId = run.GetProperty("id").GetString()!,
            WorkflowId = "ask-ops",
            Node = new WorkflowNode { Id = "ask", Type = NodeTypes.Agent },
            Scope = new EmptyScope(),
            Attempt = 1,
            Time = TimeProvider.System,
            Request = new RunRequest { StartedBy = "api" },
        };
        var answer = await _host.Services.GetRequiredService<AgentRunner>().RunAsync(agent, "Is web deployed?", context: new AgentToolContext(agent, node));

        Assert.Equal("web is deployed.", answer.Text);
        Assert.Equal(firstChild, Assert.Single(answer.Steps).RunId);
        var children = JsonElement.Parse(await _host.Client.GetStringAsync("/api/runs?workflow=deploy-status"));
        Assert.Equal(firstChild, Assert.Single(children.GetProperty("items").EnumerateArray()).GetProperty("id").GetString());
    }

    [Fact]
    public async Task AgentNode_WorkflowCalledBeforeAndAfterAConfirmation_EachCallStartsItsOwnChild()
    {
        await PostAsync("/api/agents", """
            {"id": "careful", "name": "Careful ops", "instructions": "Check, ask, check again.", "tools": ["workflow:deploy-status", "current_time"], "confirm": ["current_time"]}
            """);
        await PostAsync("/api/workflows", AskOps.Replace("\"ask-ops\"", "\"ask-careful\"", StringComparison.Ordinal).Replace("\"agent\": \"ops\"", "\"agent\": \"careful\"", StringComparison.Ordinal));
        _host.Model.Reply = request => request.Index switch
        {
            0 => ModelReply.ToolCalls(10, 5, ("call_1", "workflow_deploy_status", """{"service": "web"}""")),
            1 => ModelReply.ToolCalls(10, 5, ("call_2", "current_time", "{}")),
            2 => ModelReply.ToolCalls(10, 5, ("call_3", "workflow_deploy_status", """{"service": "api"}""")),
            _ => ModelReply.Answer("web and api are deployed.", 20, 5),
        };
        var runId = (await PostAsync("/api/workflows/ask-careful/runs", "{}")).GetProperty("runId").GetString()!;
        await _host.WaitForRunAsync(runId, "waiting");

        // The conversation is resumed by a new execution of the node, which must not take the first call's child run.
        await PostAsync($"/api/runs/{runId}/decisions", """{"decision": "approve"}""");
        var run = await _host.WaitForRunAsync(runId);

        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        var children = StepsOf(run).Where(s => s.GetProperty("name").GetString() == "workflow_deploy_status").Select(s => s.GetProperty("runId").GetString()!).ToArray();
        Assert.Equal(2, children.Distinct().Count());
        var second = JsonElement.Parse(await _host.Client.GetStringAsync($"/api/runs/{children[1]}"));
        Assert.Equal("api", second.GetProperty("trigger").GetProperty("args").GetProperty("service").GetString());
        var lastTool = _host.Model.Requests[3].Messages.Last(m => m.GetProperty("role").GetString() == "tool");
        Assert.Equal("api", JsonElement.Parse(lastTool.GetProperty("content").GetString()!).GetProperty("service").GetString());
    }

    [Fact]
    public async Task SaveAgent_WorkflowToolThatIsMissingHasNoManualTriggerOrRunsTheAgent_RefusedNamingEachTool()
    {
        await PostAsync("/api/workflows", """
            {"id": "nightly", "nodes": [{"id": "cron", "type": "trigger", "config": {"kind": "schedule", "cron": "0 9 * * *"}}], "edges": []}
            """);

        using var request = new HttpRequestMessage(HttpMethod.Put, "/api/agents/ops")
        {
            Content = new StringContent(
                """{"id": "ops", "name": "Ops", "tools": ["workflow:deploy-status", "workflow:nope", "workflow:nightly", "workflow:ask-ops"]}""",
                System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
        using var response = await _host.Client.SendAsync(request);

        Assert.Equal(400, (int)response.StatusCode);
        var errors = JsonElement.Parse(await response.Content.ReadAsStringAsync()).GetProperty("errors");
        Assert.Equal(["tools/1", "tools/2", "tools/3"], errors.EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));
        Assert.Contains("no workflow 'nope'", errors.GetProperty("tools/1")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("no manual trigger", errors.GetProperty("tools/2")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("runs agent 'ops' itself (node 'ask')", errors.GetProperty("tools/3")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AgentTools_WorkflowsWithAManualTrigger_ListedAsWorkflowEntries()
    {
        var tools = JsonElement.Parse(await _host.Client.GetStringAsync("/api/agent-tools"));

        var names = tools.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("name").GetString()).ToArray();
        Assert.Contains("workflow:deploy-status", names);
        Assert.Contains("workflow:ask-ops", names);
    }

    [Fact]
    public async Task StartRun_ArgumentsThatDoNotFitTheInputSchema_400NamingEachArgument()
    {
        using var response = await _host.Client.PostAsync("/api/workflows/deploy-status/runs", new StringContent(
            """{"args": {"count": 2.5}}""", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(400, (int)response.StatusCode);
        var errors = JsonElement.Parse(await response.Content.ReadAsStringAsync()).GetProperty("errors");
        Assert.Equal("required (The service to look at)", errors.GetProperty("service")[0].GetString());
        Assert.Equal("must be an integer, not 2.5", errors.GetProperty("count")[0].GetString());
    }

    private static IEnumerable<JsonElement> StepsOf(JsonElement run) =>
        run.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("nodeId").GetString() == "ask").GetProperty("steps").EnumerateArray();

    private async Task<JsonElement> RunToEndAsync(string payload)
    {
        var runId = (await PostAsync("/api/workflows/ask-ops/runs", payload)).GetProperty("runId").GetString();
        JsonElement run;
        do
        {
            await Task.Delay(50);
            run = JsonElement.Parse(await _host.Client.GetStringAsync($"/api/runs/{runId}"));
        }
        while (run.GetProperty("status").GetString() is "queued" or "running");
        return run;
    }

    private async Task<JsonElement> PostAsync(string path, string json)
    {
        using var response = await _host.Client.PostAsync(path, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {body}");
        return JsonElement.Parse(body);
    }

    private sealed class EmptyScope : RunScope
    {
        public override JsonElement Trigger { get; } = JsonElement.Parse("{}");

        public override JsonElement Run { get; } = JsonElement.Parse("{}");

        public override IEnumerable<KeyValuePair<string, JsonElement>> Data => [];

        public override bool TryGetData(string key, out JsonElement value)
        {
            value = default;
            return false;
        }
    }
}
