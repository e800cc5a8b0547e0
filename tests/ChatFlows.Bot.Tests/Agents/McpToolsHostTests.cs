using System.Net;
using System.Text;
using System.Text.Json;
using ChatFlows.Core.Tests.Agents;
using ChatFlows.Core.Tests.Mcp;

namespace ChatFlows.Bot.Tests.Agents;

/// <summary>
/// The real host with the test MCP server <c>calc</c> configured as a stdio program: its tools listed for the agent
/// form, agent entries checked before a save, a run calling a tool, and the program stopped with the host.
/// </summary>
public sealed class McpToolsHostTests : IAsyncLifetime
{
    private readonly string _pidFile = Path.Combine(Path.GetTempPath(), $"chatflows-mcp-{Guid.NewGuid():N}.pids");
    private ModelHost? _host;

    public async Task InitializeAsync() => _host = await ModelHost.StartAsync(new Dictionary<string, string>
    {
        ["ChatFlows:Mcp:Servers:calc:Command"] = TestMcpServers.DotnetHost,
        ["ChatFlows:Mcp:Servers:calc:Args:0"] = TestMcpServers.ProgramPath,
        ["ChatFlows:Mcp:Servers:calc:Environment:CALC_PID_FILE"] = _pidFile,
        // It would outlive its input: only the host stopping it ends it.
        ["ChatFlows:Mcp:Servers:calc:Environment:CALC_LINGER"] = "1",
    });

    public async Task DisposeAsync()
    {
        if (_host is not null) await Host.DisposeAsync();
        File.Delete(_pidFile);
    }

    [Fact]
    public async Task AgentTools_StdioServerConfigured_ListsItsToolsBesideTheCatalog()
    {
        var tools = JsonElement.Parse(await Host.Client.GetStringAsync("/api/agent-tools")).GetProperty("items").EnumerateArray()
            .ToDictionary(t => t.GetProperty("name").GetString()!, t => t.GetProperty("description").GetString());

        Assert.Contains("current_time", tools.Keys);
        Assert.Equal("Adds two whole numbers. (MCP server 'calc')", tools["mcp:calc/add"]);
        Assert.Equal("Every tool of MCP server 'calc' (add, echo, env, fail, pid, stats).", tools["mcp:calc/*"]);
    }

    [Fact]
    public async Task CreateAgent_BadMcpEntries_Returns400NamingEachField()
    {
        using var response = await PostAsync("/api/agents", """
            {"id": "calc-bad", "name": "Calc", "instructions": "Add.", "tools": ["mcp:nowhere/add", "mcp:calc/mul", "mcp:calc"], "confirm": ["mcp:calc/echo"]}
            """);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = JsonElement.Parse(await response.Content.ReadAsStringAsync()).GetProperty("errors");
        Assert.Equal("There is no MCP server 'nowhere'; the servers are calc.", errors.GetProperty("tools/0")[0].GetString());
        Assert.Equal("MCP server 'calc' has no tool 'mul'; its tools are add, echo, env, fail, pid, stats.", errors.GetProperty("tools/1")[0].GetString());
        Assert.StartsWith("'mcp:calc' is not an MCP tool; ", errors.GetProperty("tools/2")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal("'mcp:calc/echo' is not one of the agent's tools; list it, or mcp:calc/*, under tools first.", errors.GetProperty("confirm/0")[0].GetString());
    }

    [Fact]
    public async Task AgentNode_CallsAnMcpTool_RunDetailShowsTheStepWithArgumentsAndResult()
    {
        Host.Model.Reply = request => request.Index == 0
            ? ModelReply.ToolCalls(100, 10, ("call_1", "calc_add", """{"a": 19, "b": 23}"""))
            : FakeModelServer.AfterToolResult(request, "call_1", ModelReply.Answer("19 + 23 = 42.", 200, 20));
        using (var agent = await PostAsync("/api/agents", """{"id": "adder", "name": "Adder", "instructions": "Add with the calculator.", "tools": ["mcp:calc/add"]}"""))
        {
            Assert.Equal(HttpStatusCode.Created, agent.StatusCode);
        }
        using (var workflow = await PostAsync("/api/workflows", """
            {
              "id": "add-up",
              "nodes": [
                {"id": "play", "type": "trigger", "config": {"kind": "manual"}},
                {"id": "ask", "type": "agent", "config": {"agent": "adder", "input": "What is 19 + 23?"}}
              ],
              "edges": [{"from": "play", "to": "ask"}]
            }
            """))
        {
            Assert.Equal(HttpStatusCode.Created, workflow.StatusCode);
        }

        using var started = await PostAsync("/api/workflows/add-up/runs", "{}");
        var runId = JsonElement.Parse(await started.Content.ReadAsStringAsync()).GetProperty("runId").GetString();
        var run = await FinishedAsync(runId!);

        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        Assert.Equal("19 + 23 = 42.", run.GetProperty("data").GetProperty("ask").GetString());
        Assert.Equal(["calc_add"], Host.Model.Requests[0].ToolNames);
        var step = Assert.Single(run.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("nodeId").GetString() == "ask").GetProperty("steps").EnumerateArray());
        Assert.Equal("calc_add", step.GetProperty("name").GetString());
        Assert.Equal(19, step.GetProperty("arguments").GetProperty("a").GetInt32());
        Assert.Equal("42", step.GetProperty("result").GetString());
    }

    [Fact]
    public async Task HostStops_StdioServerStarted_ItsProgramIsGone()
    {
        await Host.Client.GetStringAsync("/api/agent-tools");
        var pid = int.Parse(Assert.Single(await File.ReadAllLinesAsync(_pidFile)), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(TestMcpServers.IsRunning(pid));

        await Host.DisposeAsync();
        _host = null;

        Assert.True(await TestMcpServers.EndsSoonAsync(pid), $"MCP server {pid} outlived the host.");
    }

    private ModelHost Host => _host ?? throw new InvalidOperationException("The host has stopped.");

    private async Task<HttpResponseMessage> PostAsync(string path, string json) =>
        await Host.Client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    private async Task<JsonElement> FinishedAsync(string runId)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            var run = JsonElement.Parse(await Host.Client.GetStringAsync($"/api/runs/{runId}", timeout.Token));
            if (run.GetProperty("status").GetString() is not ("queued" or "running")) return run;
            await Task.Delay(50, timeout.Token);
        }
    }
}
