using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ChatFlows.Bot.Tests.Knowledge;

namespace ChatFlows.Bot.Tests.Workspaces;

/// <summary>
/// README §Workspaces and roles, for knowledge bases on the real host with a fake embedding model: a base belongs to the
/// workspace it was created in. Another workspace neither lists, reads, changes nor searches it, its id stays taken
/// without saying by whom, and a workflow of another workspace searching it fails as if it did not exist.
/// </summary>
public sealed class WorkspaceKnowledgeTests : IAsyncLifetime
{
    private const string A = "kb-team-a";
    private const string B = "kb-team-b";

    private KnowledgeHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await KnowledgeHost.StartAsync();
        await TestWorkspaces.EnsureAsync(_host.Host.Services, A);
        await TestWorkspaces.EnsureAsync(_host.Host.Services, B);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Knowledge_OfAnotherWorkspace_IsNeitherListedNorReadNorSearchedThere()
    {
        await CreateBaseAsync(A, "a-runbook");
        await UploadAndWaitAsync(A, "a-runbook", "runbook.md", "When the database disk is full, delete the WAL archives of team a.");
        await CreateBaseAsync(B, "b-notes");
        await UploadAndWaitAsync(B, "b-notes", "notes.md", "Backups run nightly at two.");

        var listedInB = (await _host.GetAsync($"/api/w/{B}/knowledge")).GetProperty("items").EnumerateArray().Select(b => b.GetProperty("id").GetString()!).ToArray();
        using var get = await _host.Client.GetAsync($"/api/w/{B}/knowledge/a-runbook");
        using var search = await _host.Client.PostAsync($"/api/w/{B}/knowledge/a-runbook/search", KnowledgeHost.Json("""{"query": "database disk is full"}"""));
        using var add = await _host.Client.PostAsync($"/api/w/{B}/knowledge/a-runbook/documents", KnowledgeHost.Json("""{"url": "http://127.0.0.1:9/page.html"}"""));
        using var delete = await _host.Client.DeleteAsync($"/api/w/{B}/knowledge/a-runbook");
        using var getDefault = await _host.Client.GetAsync("/api/knowledge/a-runbook");
        using var searchOwn = await _host.Client.PostAsync($"/api/w/{B}/knowledge/b-notes/search", KnowledgeHost.Json("""{"query": "database disk is full", "top": 50}"""));

        Assert.Equal(["b-notes"], listedInB);
        Assert.Equal([HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound],
            new[] { get.StatusCode, search.StatusCode, add.StatusCode, delete.StatusCode, getDefault.StatusCode });
        Assert.Equal(HttpStatusCode.OK, searchOwn.StatusCode);
        var hits = (await KnowledgeHost.ReadAsync(searchOwn)).GetProperty("results").EnumerateArray().ToArray();
        Assert.NotEmpty(hits);
        Assert.All(hits, hit => Assert.Equal("notes.md", hit.GetProperty("source").GetString()));
        Assert.DoesNotContain("WAL", string.Concat(hits.Select(h => h.GetProperty("text").GetString())), StringComparison.Ordinal);
        var kept = await _host.GetAsync($"/api/w/{A}/knowledge/a-runbook");
        Assert.Equal("ready", Assert.Single(kept.GetProperty("documents").EnumerateArray()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Create_IdAnotherWorkspaceHas_Is409WithoutNamingIt()
    {
        await CreateBaseAsync(A, "shared-name");

        using var taken = await _host.Client.PostAsync($"/api/w/{B}/knowledge", KnowledgeHost.Json("""{"id": "shared-name", "name": "B's base"}"""));

        Assert.Equal(HttpStatusCode.Conflict, taken.StatusCode);
        Assert.DoesNotContain(A, await taken.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("On-call runbook", (await _host.GetAsync($"/api/w/{A}/knowledge/shared-name")).GetProperty("name").GetString());
    }

    [Fact]
    public async Task Run_SearchingABaseOfAnotherWorkspace_FailsAsIfItDidNotExist()
    {
        await CreateBaseAsync(A, "a-handbook");
        await UploadAndWaitAsync(A, "a-handbook", "handbook.md", "Expenses are approved by the team lead within a week.");
        foreach (var workspace in new[] { A, B })
        {
            await _host.Host.PostAsync($"/api/w/{workspace}/workflows", $$$"""
                {"id": "ask-{{{workspace}}}", "nodes": [
                  {"id": "play", "type": "trigger", "config": {"kind": "manual"}},
                  {"id": "find", "type": "tool", "config": {"tool": "search", "knowledge": "a-handbook", "query": "who approves expenses"} }],
                 "edges": [{"from": "play", "to": "find"}]}
                """);
        }

        var own = await RunAsync(A, $"ask-{A}");
        var other = await RunAsync(B, $"ask-{B}");

        Assert.Equal("succeeded", own.GetProperty("status").GetString());
        Assert.Equal("handbook.md", Node(own, "find").GetProperty("output")[0].GetProperty("source").GetString());
        Assert.Equal("failed", other.GetProperty("status").GetString());
        var error = Node(other, "find").GetProperty("error").GetString()!;
        Assert.Contains($"There is no knowledge base 'a-handbook'; create it on the Knowledge page or with POST /api/w/{B}/knowledge.", error, StringComparison.Ordinal);
        Assert.False(Node(other, "find").TryGetProperty("output", out var output) && output.ValueKind == JsonValueKind.Array);
    }

    private async Task CreateBaseAsync(string workspace, string id)
    {
        using var created = await _host.Client.PostAsync($"/api/w/{workspace}/knowledge", KnowledgeHost.Json($$"""{"id": "{{id}}", "name": "On-call runbook"}"""));
        Assert.True(created.StatusCode == HttpStatusCode.Created, $"{(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}");
        Assert.Equal($"/api/w/{workspace}/knowledge/{id}", created.Headers.Location?.OriginalString);
    }

    private async Task UploadAndWaitAsync(string workspace, string id, string fileName, string text)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(text));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/markdown");
        form.Add(file, "file", fileName);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/w/{workspace}/knowledge/{id}/documents") { Content = form };
        request.Headers.Add("X-ChatFlows-Upload", "1");
        using var response = await _host.Client.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        var clock = Stopwatch.StartNew();
        while ((await _host.GetAsync($"/api/w/{workspace}/knowledge/{id}")).GetProperty("documents").EnumerateArray().Any(d => d.GetProperty("status").GetString() != "ready"))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"{fileName} of {id} is not indexed yet.");
            await Task.Delay(50);
        }
    }

    private async Task<JsonElement> RunAsync(string workspace, string workflowId)
    {
        var runId = (await _host.Host.PostAsync($"/api/w/{workspace}/workflows/{workflowId}/runs", "{}")).GetProperty("runId").GetString()!;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var run = await _host.GetAsync($"/api/w/{workspace}/runs/{runId}");
            if (run.GetProperty("status").GetString() is "succeeded" or "failed" or "cancelled") return run;
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"Run {runId} is still {run.GetProperty("status").GetString()}.");
            await Task.Delay(50);
        }
    }

    private static JsonElement Node(JsonElement run, string nodeId) => run.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("nodeId").GetString() == nodeId);
}
