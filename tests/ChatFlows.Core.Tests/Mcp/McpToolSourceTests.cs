using System.Text.Json;
using ChatFlows.Core.Agents;
using ChatFlows.Core.Connections;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Mcp;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Tests.Agents;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Time.Testing;

namespace ChatFlows.Core.Tests.Mcp;

/// <summary>Agents calling the tools of real MCP servers (the test server on stdio and over HTTP) through the model.</summary>
[Collection(ModelServerCollection.Name)]
public sealed class McpToolSourceTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 5, 9, 0, 0, TimeSpan.Zero));
    private FakeModelServer _model = null!;
    private McpClients _clients = null!;

    public async Task InitializeAsync()
    {
        _model = await FakeModelServer.StartAsync();
        _clients = TestMcpServers.Clients(("calc", TestMcpServers.Stdio(new Dictionary<string, string> { ["CALC_GREETING"] = "hello from the host" })));
    }

    public async Task DisposeAsync()
    {
        await _clients.DisposeAsync();
        await _model.DisposeAsync();
    }

    [Fact]
    public async Task RunAsync_OneStdioToolAllowed_ModelCallsItAndTheStepKeepsArgumentsAndResult()
    {
        using var runner = Runner(_clients);
        _model.Reply = request => request.Index == 0
            ? ModelReply.ToolCalls(10, 5, ("call_1", "calc_add", """{"a":2,"b":3}"""))
            : FakeModelServer.AfterToolResult(request, "call_1", ModelReply.Answer("2 + 3 = 5.", 20, 5));

        var answer = await runner.RunAsync(AgentHarness.Summarizer("mcp:calc/add"), "What is 2 + 3?");

        Assert.Equal("2 + 3 = 5.", answer.Text);
        Assert.Equal(["calc_add"], _model.Requests[0].ToolNames);
        Assert.Equal("5", ToolMessage(_model.Requests[1], "call_1"));
        var step = Assert.Single(answer.Steps);
        Assert.Equal("calc_add", step.Name);
        Assert.Equal(2, step.Arguments?.GetProperty("a").GetInt32());
        Assert.Equal(3, step.Arguments?.GetProperty("b").GetInt32());
        Assert.Equal("\"5\"", step.Result?.GetRawText());
        Assert.Null(step.Error);
    }

    [Fact]
    public async Task RunAsync_WholeServerAllowed_ModelSeesEveryToolWithItsInputSchema()
    {
        using var runner = Runner(_clients);

        await runner.RunAsync(AgentHarness.Summarizer("mcp:calc/*"), "What can you do?");

        var tools = _model.Requests[0].Body.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("function")).ToArray();
        Assert.Equal(["calc_add", "calc_echo", "calc_env", "calc_fail", "calc_pid", "calc_stats"], tools.Select(t => t.GetProperty("name").GetString()).Order(StringComparer.Ordinal));
        var add = tools.Single(t => t.GetProperty("name").GetString() == "calc_add");
        Assert.Equal("Adds two whole numbers.", add.GetProperty("description").GetString());
        var parameters = add.GetProperty("parameters");
        Assert.Equal("integer", parameters.GetProperty("properties").GetProperty("a").GetProperty("type").GetString());
        Assert.Equal("integer", parameters.GetProperty("properties").GetProperty("b").GetProperty("type").GetString());
        Assert.Equal(["a", "b"], parameters.GetProperty("required").EnumerateArray().Select(r => r.GetString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task RunAsync_ToolReportsIsError_ModelReadsTheToolsTextAndTheStepKeepsItAsError()
    {
        using var runner = Runner(_clients);
        _model.Reply = request => request.Index == 0
            ? ModelReply.ToolCalls(10, 5, ("call_1", "calc_fail", "{}"))
            : FakeModelServer.AfterToolResult(request, "call_1", ModelReply.Answer("The calculator is out of space.", 20, 5));

        var answer = await runner.RunAsync(AgentHarness.Summarizer("mcp:calc/fail"), "Try it.");

        Assert.Equal("The calculator is out of space.", answer.Text);
        Assert.Contains("The calculator's disk is full; free some space.", ToolMessage(_model.Requests[1], "call_1"), StringComparison.Ordinal);
        var step = Assert.Single(answer.Steps);
        Assert.Equal("The calculator's disk is full; free some space.", step.Error);
        Assert.Null(step.Result);
    }

    [Fact]
    public async Task RunAsync_StructuredContent_ModelAndStepGetTheJson()
    {
        using var runner = Runner(_clients);
        _model.Reply = request => request.Index == 0
            ? ModelReply.ToolCalls(10, 5, ("call_1", "calc_stats", "{}"))
            : FakeModelServer.AfterToolResult(request, "call_1", ModelReply.Answer("Three numbers, mean 2.5.", 20, 5));

        var answer = await runner.RunAsync(AgentHarness.Summarizer("mcp:calc/stats"), "Stats?");

        var step = Assert.Single(answer.Steps);
        Assert.Equal(3, step.Result?.GetProperty("count").GetInt32());
        Assert.Equal(2.5, step.Result?.GetProperty("mean").GetDouble());
        Assert.Equal(2.5, JsonElement.Parse(ToolMessage(_model.Requests[1], "call_1")).GetProperty("mean").GetDouble());
    }

    [Fact]
    public async Task RunAsync_ServerEnvironment_ReachesTheProgram()
    {
        using var runner = Runner(_clients);
        _model.Reply = request => request.Index == 0
            ? ModelReply.ToolCalls(10, 5, ("call_1", "calc_env", """{"name":"CALC_GREETING"}"""))
            : FakeModelServer.AfterToolResult(request, "call_1", ModelReply.Answer("done", 20, 5));

        var answer = await runner.RunAsync(AgentHarness.Summarizer("mcp:calc/env"), "Greet.");

        Assert.Equal("\"hello from the host\"", Assert.Single(answer.Steps).Result?.GetRawText());
    }

    [Fact]
    public async Task RunAsync_ServerProgramMissing_FailsNamingTheServerAndWhatToCheck()
    {
        await using var clients = TestMcpServers.Clients(("calc", new McpServerOptions { Command = "/nonexistent/calc-server", Timeout = TimeSpan.FromSeconds(10) }));
        using var runner = Runner(clients);

        var error = await Assert.ThrowsAsync<NodeException>(() => runner.RunAsync(AgentHarness.Summarizer("mcp:calc/add"), "What is 2 + 3?"));

        Assert.StartsWith("Agent 'summarizer' cannot get its tools: MCP server 'calc' could not be reached (", error.Message, StringComparison.Ordinal);
        Assert.EndsWith(
            "check that '/nonexistent/calc-server' starts and speaks MCP on its standard output (ChatFlows:Mcp:Servers:calc:Command and :Args).", error.Message, StringComparison.Ordinal);
        Assert.Empty(_model.Requests);
    }

    [Fact]
    public async Task RunAsync_ServerProgramDiedSinceLastRun_IsStartedAgain()
    {
        using var runner = Runner(_clients);
        _model.Reply = request => request.Index % 2 == 0
            ? ModelReply.ToolCalls(10, 5, ("call_1", "calc_pid", "{}"))
            : FakeModelServer.AfterToolResult(request, "call_1", ModelReply.Answer("ok", 20, 5));
        var first = await runner.RunAsync(AgentHarness.Summarizer("mcp:calc/pid"), "Pid?");
        var firstPid = int.Parse(first.Steps[0].Result!.Value.GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        using (var process = System.Diagnostics.Process.GetProcessById(firstPid))
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        var second = await runner.RunAsync(AgentHarness.Summarizer("mcp:calc/pid"), "Pid?");

        var secondPid = int.Parse(second.Steps[0].Result!.Value.GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.NotEqual(firstPid, secondPid);
        Assert.True(TestMcpServers.IsRunning(secondPid));
    }

    [Fact]
    public async Task DisposeAsync_StdioServerRunning_StopsItsProgram()
    {
        var clients = TestMcpServers.Clients(("calc", TestMcpServers.Stdio(new Dictionary<string, string> { ["CALC_LINGER"] = "1" })));
        using var runner = Runner(clients);
        _model.Reply = request => request.Index == 0
            ? ModelReply.ToolCalls(10, 5, ("call_1", "calc_pid", "{}"))
            : FakeModelServer.AfterToolResult(request, "call_1", ModelReply.Answer("ok", 20, 5));
        var answer = await runner.RunAsync(AgentHarness.Summarizer("mcp:calc/pid"), "Pid?");
        var pid = int.Parse(answer.Steps[0].Result!.Value.GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(TestMcpServers.IsRunning(pid));

        await clients.DisposeAsync();

        Assert.True(await TestMcpServers.EndsSoonAsync(pid), $"MCP server {pid} outlived its client.");
    }

    [Fact]
    public async Task RunAsync_HttpServerWithTheConnectionsHeader_CallsTheTool()
    {
        await using var server = await TestMcpServers.StartHttpAsync();
        var connections = new ConnectionRegistry([HttpConnection("calc-api", TestMcpServers.ApiKey)]);
        await using var clients = new McpClients(
            new McpOptions { Servers = { ["remote"] = new McpServerOptions { Url = server.Urls.Single() + "/mcp", Connection = "calc-api" } } }, connections);
        using var runner = Runner(clients);
        _model.Reply = request => request.Index == 0
            ? ModelReply.ToolCalls(10, 5, ("call_1", "remote_echo", """{"text":"over http"}"""))
            : FakeModelServer.AfterToolResult(request, "call_1", ModelReply.Answer("It said: over http.", 20, 5));

        var answer = await runner.RunAsync(AgentHarness.Summarizer("mcp:remote/echo"), "Echo.");

        Assert.Equal("It said: over http.", answer.Text);
        Assert.Equal("\"over http\"", Assert.Single(answer.Steps).Result?.GetRawText());
    }

    [Fact]
    public async Task RunAsync_HttpServerRefusesTheHeader_FailsNamingTheServerAndItsUrl()
    {
        await using var server = await TestMcpServers.StartHttpAsync();
        var url = server.Urls.Single() + "/mcp";
        var connections = new ConnectionRegistry([HttpConnection("calc-api", "wrong-key")]);
        await using var clients = new McpClients(
            new McpOptions { Servers = { ["remote"] = new McpServerOptions { Url = url, Connection = "calc-api", Timeout = TimeSpan.FromSeconds(10) } } }, connections);
        using var runner = Runner(clients);

        var error = await Assert.ThrowsAsync<NodeException>(() => runner.RunAsync(AgentHarness.Summarizer("mcp:remote/echo"), "Echo."));

        Assert.StartsWith("Agent 'summarizer' cannot get its tools: MCP server 'remote' could not be reached (", error.Message, StringComparison.Ordinal);
        Assert.EndsWith($"check that {url} is up and answers MCP over streamable HTTP (ChatFlows:Mcp:Servers:remote:Url).", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListAsync_OneServerUpOneDown_ListsTheToolsOfTheOneUp()
    {
        await using var clients = TestMcpServers.Clients(
            ("calc", TestMcpServers.Stdio()), ("gone", new McpServerOptions { Command = "/nonexistent/gone-server" }));
        var source = new McpToolSource(clients);

        var tools = await source.ListAsync(CancellationToken.None);

        Assert.Equal(
            ["mcp:calc/*", "mcp:calc/add", "mcp:calc/echo", "mcp:calc/env", "mcp:calc/fail", "mcp:calc/pid", "mcp:calc/stats"],
            tools.Select(t => t.Name).Order(StringComparer.Ordinal));
        Assert.Equal("Adds two whole numbers. (MCP server 'calc')", tools.Single(t => t.Name == "mcp:calc/add").Description);
    }

    [Fact]
    public async Task CheckAsync_BadEntries_AreProblemsWithTheirPaths()
    {
        var source = new McpToolSource(_clients);
        var agent = AgentHarness.Summarizer("mcp:calc/add", "mcp:nowhere/add", "mcp:calc/mul", "mcp:calc", "mcp:calc/*") with
        {
            Confirm = ["mcp:calc/add", "mcp:calc/*", "mcp:calc/divide"],
        };
        var narrow = AgentHarness.Summarizer("mcp:calc/add") with { Confirm = ["mcp:calc/echo"] };

        var problems = await source.CheckAsync(agent, CancellationToken.None);
        var narrowProblems = await source.CheckAsync(narrow, CancellationToken.None);

        Assert.Equal(
            [
                new ValidationProblem("confirm/1", "confirm names MCP tools one by one, like mcp:calc/create_issue; 'mcp:calc/*' names none."),
                new ValidationProblem("confirm/2", "MCP server 'calc' has no tool 'divide'; its tools are add, echo, env, fail, pid, stats."),
                new ValidationProblem("tools/1", "There is no MCP server 'nowhere'; the servers are calc."),
                new ValidationProblem("tools/2", "MCP server 'calc' has no tool 'mul'; its tools are add, echo, env, fail, pid, stats."),
                new ValidationProblem("tools/3", "'mcp:calc' is not an MCP tool; write mcp:<server>/<tool>, or mcp:<server>/* for every tool of the server."),
            ],
            problems.OrderBy(p => p.Path, StringComparer.Ordinal));
        Assert.Equal(
            [new ValidationProblem("confirm/0", "'mcp:calc/echo' is not one of the agent's tools; list it, or mcp:calc/*, under tools first.")],
            narrowProblems);
    }

    [Fact]
    public async Task CheckAsync_ServerDown_AcceptsItsToolsUntilTheyRun()
    {
        await using var clients = TestMcpServers.Clients(("gone", new McpServerOptions { Command = "/nonexistent/gone-server" }));

        var problems = await new McpToolSource(clients).CheckAsync(AgentHarness.Summarizer("mcp:gone/anything"), CancellationToken.None);

        Assert.Empty(problems);
    }

    [Fact]
    public void FunctionName_LongOrOddNames_AreWhatTheModelMayCall()
    {
        Assert.Equal("github_create_issue", McpToolSource.FunctionName("github", "create_issue"));
        Assert.Equal("fs_read_file", McpToolSource.FunctionName("fs", "read.file"));
        var clipped = McpToolSource.FunctionName("server", new string('x', 100));
        Assert.Equal(64, clipped.Length);
        Assert.Matches("^[a-zA-Z0-9_-]{1,64}$", clipped);
    }

    [Fact]
    public void Validate_BadServers_NameTheirKeys()
    {
        var options = new McpOptions
        {
            Servers =
            {
                ["github"] = new() { Url = "github.example/mcp" },
                ["plain"] = new() { Url = "http://mcp.example.com/mcp" },
                ["both"] = new() { Command = "npx", Url = "https://mcp.example.com/mcp" },
                ["none"] = new(),
                ["Bad_Name"] = new() { Command = "npx" },
                ["slow"] = new() { Command = "npx", Timeout = TimeSpan.Zero },
                ["local"] = new() { Url = "http://127.0.0.1:9000/mcp" },
            },
        };

        Assert.Equal(
            [
                "ChatFlows:Mcp:Servers:Bad_Name is not a server name; use lower-case letters, digits and dashes, starting with a letter or digit, like github.",
                "ChatFlows:Mcp:Servers:both has both Command and Url; a server is either a program (Command, Args) or an HTTP endpoint (Url), not both.",
                "ChatFlows:Mcp:Servers:github:Url must be an absolute http(s) URL, like https://mcp.example.com/mcp; 'github.example/mcp' is not.",
                "ChatFlows:Mcp:Servers:none needs Command (a program speaking MCP on stdio, with Args) or Url (a streamable HTTP endpoint).",
                "ChatFlows:Mcp:Servers:plain:Url uses plain http to mcp.example.com; use https, or plain http only for a loopback host (localhost, 127.0.0.1, [::1]).",
                "ChatFlows:Mcp:Servers:slow:Timeout must be more than zero and at most an hour, like 00:00:30.",
            ],
            options.Validate());
    }

    private AgentRunner Runner(McpClients clients) => new(
        new ModelProfiles(new Dictionary<string, ModelProfile> { ["local"] = AgentHarness.LocalProfile(_model) }), new AgentToolCatalog(_time), _time,
        sources: [new McpToolSource(clients)]);

    private static Connection HttpConnection(string name, string key) => new(
        name, ConnectionTypes.Http, [Connection.AnyWorkflow], new Dictionary<string, string> { [$"Headers:{TestMcpServers.ApiKeyHeader}"] = key }, ConnectionRegistry.ConfiguredSource);

    private static string ToolMessage(ModelRequest request, string callId) => request.Messages
        .Single(m => m.GetProperty("role").GetString() == "tool" && m.GetProperty("tool_call_id").GetString() == callId)
        .GetProperty("content") is { ValueKind: JsonValueKind.String } content ? content.GetString()! : "";
}
