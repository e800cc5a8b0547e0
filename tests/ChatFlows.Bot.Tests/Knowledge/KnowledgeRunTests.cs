using System.Net;
using System.Text.Json;
using ChatFlows.Core.Tests.Agents;

namespace ChatFlows.Bot.Tests.Knowledge;

/// <summary>Knowledge in runs on the real host: the <c>tool/search</c> node, and an agent with <c>knowledge</c> citing what it found.</summary>
public sealed class KnowledgeRunTests : IAsyncLifetime
{
    private KnowledgeHost _host = null!;

    public async Task InitializeAsync() => _host = await KnowledgeHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task SearchNode_InARun_OutputsTheClosestPassagesWithTheirSources()
    {
        await _host.CreateBaseAsync();
        await _host.UploadAndWaitAsync("runbook", "runbook.md", KnowledgeHost.Runbook);
        await PostAsync("/api/workflows", File.ReadAllText(Path.Combine(CliProcess.RepositoryRoot, "samples", "runbook-lookup.json")));

        var run = await RunAsync("runbook-lookup", """{"args": {"q": "pods OOMKilled memory"}}""");

        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        var hits = run.GetProperty("data").GetProperty("search").EnumerateArray().ToArray();
        Assert.Equal(3, hits.Length);
        Assert.StartsWith("## Memory pressure on the API pods", hits[0].GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal("runbook.md", hits[0].GetProperty("source").GetString());
        var node = run.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("nodeId").GetString() == "search");
        Assert.Equal("succeeded", node.GetProperty("status").GetString());
    }

    [Fact]
    public async Task SearchNode_UnknownBase_FailsSayingWhereToCreateIt()
    {
        await PostAsync("/api/workflows", File.ReadAllText(Path.Combine(CliProcess.RepositoryRoot, "samples", "runbook-lookup.json")));

        var run = await RunAsync("runbook-lookup", "{}");

        Assert.Equal("failed", run.GetProperty("status").GetString());
        Assert.Contains("There is no knowledge base 'runbook'; create it on the Knowledge page", run.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AgentWithKnowledge_CallsSearchKnowledge_AnswerCitesTheSource()
    {
        await _host.CreateBaseAsync();
        await _host.UploadAndWaitAsync("runbook", "runbook.md", KnowledgeHost.Runbook);
        string? toolResult = null;
        _host.Host.Model.Reply = request =>
        {
            if (request.Index == 0) return ModelReply.ToolCalls(100, 10, ("call_1", "search_knowledge", """{"query": "database disk full"}"""));
            toolResult = request.Messages.Last(m => m.GetProperty("role").GetString() == "tool").GetProperty("content").GetString();
            return FakeModelServer.AfterToolResult(request, "call_1", ModelReply.Answer("Delete WAL archives older than seven days (source: runbook.md).", 300, 20));
        };
        await PostAsync("/api/agents", """{"id": "oncall", "name": "On-call helper", "instructions": "Answer from the runbook.", "knowledge": ["runbook"]}""");
        await PostAsync("/api/workflows", """
            {
              "id": "ask-runbook",
              "nodes": [
                {"id": "play", "type": "trigger", "config": {"kind": "manual"}},
                {"id": "ask", "type": "agent", "config": {"agent": "oncall", "input": "{{ trigger.question }}"}}
              ],
              "edges": [{"from": "play", "to": "ask"}]
            }
            """);

        var run = await RunAsync("ask-runbook", """{"question": "The database disk is at 90 %. What do I do?"}""");

        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        Assert.Equal("Delete WAL archives older than seven days (source: runbook.md).", run.GetProperty("data").GetProperty("ask").GetString());
        Assert.Contains("search_knowledge", _host.Host.Model.Requests[0].ToolNames);
        Assert.Contains("Delete WAL archives older than seven days", toolResult, StringComparison.Ordinal);
        Assert.Contains("(source: runbook.md)", toolResult, StringComparison.Ordinal);
        var step = run.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("nodeId").GetString() == "ask").GetProperty("steps")[0];
        Assert.Equal("search_knowledge", step.GetProperty("name").GetString());
    }

    [Fact]
    public async Task SaveAgent_UnknownKnowledgeBase_400AtItsPath()
    {
        using var response = await _host.Client.PostAsync("/api/agents", KnowledgeHost.Json("""{"id": "oncall", "name": "On-call", "instructions": "Help.", "knowledge": ["handbook"]}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await KnowledgeHost.ReadAsync(response)).GetProperty("errors");
        Assert.StartsWith("There is no knowledge base 'handbook'", errors.GetProperty("knowledge/0")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NodeKinds_ToolSearch_IsInThePaletteWithItsFields()
    {
        var kinds = await _host.GetAsync("/api/node-kinds");

        var search = kinds.GetProperty("items").EnumerateArray().Single(k => k.GetProperty("type").GetString() == "tool" && k.GetProperty("kind").GetString() == "search");
        Assert.Equal("Knowledge search", search.GetProperty("label").GetString());
        Assert.Equal(["knowledge", "query", "top"], search.GetProperty("fields").EnumerateArray().Select(f => f.GetProperty("name").GetString()));
    }

    private async Task<JsonElement> RunAsync(string workflowId, string payload)
    {
        var runId = (await PostAsync($"/api/workflows/{workflowId}/runs", payload)).GetProperty("runId").GetString();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        JsonElement run;
        do
        {
            await Task.Delay(50);
            run = await _host.GetAsync($"/api/runs/{runId}");
        }
        while (run.GetProperty("status").GetString() is "queued" or "running" && DateTime.UtcNow < deadline);
        return run;
    }

    private async Task<JsonElement> PostAsync(string path, string json)
    {
        using var response = await _host.Client.PostAsync(path, KnowledgeHost.Json(json));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {body}");
        return JsonElement.Parse(body);
    }
}
