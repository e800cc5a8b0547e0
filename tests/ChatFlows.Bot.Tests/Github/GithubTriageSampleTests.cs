using System.Net;
using System.Text.Json;
using ChatFlows.Bot.Tests.Webhooks;
using ChatFlows.Core.Tests.Agents;
using ChatFlows.Core.Tests.Github;
using Microsoft.Extensions.Logging;

namespace ChatFlows.Bot.Tests.Github;

/// <summary>
/// The github-triage sample end to end on the real host (README §GitHub): a signed GitHub delivery to /hooks/github,
/// the triage agent on a local model server, the labels added through Octokit to the fake GitHub, the message posted
/// to chat. Also the github_* agent tools, each allowed per agent, and the token kept out of runs and logs.
/// </summary>
public sealed class GithubTriageSampleTests : IAsyncLifetime
{
    private const string HookSecret = "triage-hook-secret";
    private const string Repo = "octo-org/website";
    private readonly LogCollector _logs = new();
    private FakeModelServer _model = null!;
    private FakeGitHub _github = null!;
    private HostFixture _host = null!;

    public async Task InitializeAsync()
    {
        _model = await FakeModelServer.StartAsync();
        _github = await FakeGitHub.StartAsync();
        _github.AddRepository(Repo);
        _host = new HostFixture(new Dictionary<string, string>
        {
            ["ChatFlows:Models:local:Provider"] = "openai-compatible",
            ["ChatFlows:Models:local:Model"] = "llama3.1",
            ["ChatFlows:Models:local:Endpoint"] = _model.Endpoint,
            ["ChatFlows:Connections:github:Type"] = "github",
            ["ChatFlows:Connections:github:Workflows"] = "*",
            ["ChatFlows:Connections:github:Token"] = FakeGitHub.Token,
            ["ChatFlows:Connections:github:ApiBaseUrl"] = _github.BaseUrl,
            ["ChatFlows:Secrets:GITHUB_WEBHOOK"] = HookSecret,
        }, _logs);
        await _host.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _github.DisposeAsync();
        await _model.DisposeAsync();
    }

    private static string IssueEvent(string action, long number, string title) => JsonSerializer.Serialize(new
    {
        action,
        issue = new { number, title, body = "Clicking Login on Safari does nothing.", html_url = $"https://github.example.com/{Repo}/issues/{number}", user = new { login = "octocat" } },
        repository = new { full_name = Repo, name = "website", owner = new { login = "octo-org" } },
        sender = new { login = "octocat" },
    });

    [Fact]
    public async Task Deliver_IssueOpened_AgentTriagesLabelsAreAddedAndTheTeamIsTold()
    {
        var number = _github.AddIssue(Repo, "Login button does nothing");
        _model.Reply = _ => ModelReply.Answer("bug, ui", 90, 4);
        var body = IssueEvent("opened", number, "Login button does nothing");

        using var response = await GithubWebhookTests.DeliverAsync(_host.Client, "/hooks/github", body, GithubWebhookTests.Sign(HookSecret, body), "issues", "d-triage-1");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var answer = await HostFixture.ReadJsonAsync(response);
        var runId = Assert.Single(answer.GetProperty("runIds").EnumerateArray()).GetString()!;
        var run = await _host.WaitForRunAsync(runId);
        Assert.True(run.GetProperty("status").GetString() == "succeeded", run.GetRawText());
        Assert.Equal("github-triage", run.GetProperty("workflowId").GetString());
        Assert.Contains("Issue #1: Login button does nothing", Assert.Single(_model.Requests).Messages[1].GetProperty("content").GetString(), StringComparison.Ordinal);
        var labels = Assert.Single(_github.Requests, r => r.Path == $"/api/v3/repos/{Repo}/issues/1/labels");
        Assert.Equal(["bug", "ui"], labels.Json!.AsArray().Select(l => l!.GetValue<string>()));
        Assert.Equal(["bug", "ui"], _github.Issue(Repo, 1)!["labels"]!.AsArray().Select(l => l!["name"]!.GetValue<string>()));
        var posted = Assert.Single((await _host.GetJsonAsync("/playground/api/channels/github/messages")).EnumerateArray());
        Assert.Equal(
            $"New issue #1 in {Repo}: Login button does nothing\nLabelled: bug, ui\nhttps://github.example.com/{Repo}/issues/1",
            posted.GetProperty("text").GetString());
    }

    [Fact]
    public async Task Deliver_IssueClosed_EndsAtTheConditionWithoutAskingTheModelOrGitHub()
    {
        var body = IssueEvent("closed", 3, "Old issue");

        using var response = await GithubWebhookTests.DeliverAsync(_host.Client, "/hooks/github", body, GithubWebhookTests.Sign(HookSecret, body), "issues", "d-triage-closed");

        var runId = Assert.Single((await HostFixture.ReadJsonAsync(response)).GetProperty("runIds").EnumerateArray()).GetString()!;
        Assert.Equal("succeeded", (await _host.WaitForRunAsync(runId)).GetProperty("status").GetString());
        Assert.Empty(_model.Requests);
        Assert.Empty(_github.Requests);
    }

    [Fact]
    public async Task AgentTool_CreateIssue_CreatesOneIssueAndTheTokenIsInNoRunDetailOrLog()
    {
        await CreateAgentAsync("issue-filer", connections: ["github"]);
        await _host.CreateWorkflowAsync(AgentWorkflow("file-issue", "issue-filer"));
        const string Arguments = """{"connection": "github", "repository": "octo-org/website", "title": "Search is slow", "labels": ["performance"]}""";
        _model.Reply = request => request.Index == 0
            ? ModelReply.ToolCalls(50, 20, ("call_1", "github_create_issue", Arguments), ("call_2", "github_create_issue", Arguments))
            : FakeModelServer.AfterToolResult(request, "call_2", ModelReply.Answer("Filed issue #1.", 80, 5));

        var runId = await _host.StartRunAsync("file-issue");
        var run = await _host.WaitForRunAsync(runId);

        Assert.True(run.GetProperty("status").GetString() == "succeeded", run.GetRawText());
        // The same call twice in one agent node is one issue.
        var created = Assert.Single(_github.Requests, r => r.Method == "POST" && r.Path == $"/api/v3/repos/{Repo}/issues");
        Assert.Equal("Search is slow", created.Json!["title"]!.GetValue<string>());
        var toolResult = _model.Requests[1].Messages.First(m => m.GetProperty("role").GetString() == "tool").GetProperty("content").GetString()!;
        Assert.Contains("https://github.example.com/octo-org/website/issues/1", toolResult, StringComparison.Ordinal);
        var detail = await _host.GetJsonAsync($"/api/runs/{runId}");
        Assert.DoesNotContain(FakeGitHub.Token, detail.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain(_logs.Messages, m => m.Contains(FakeGitHub.Token, StringComparison.Ordinal));
        Assert.NotEmpty(_logs.Messages);
    }

    [Fact]
    public async Task AgentTool_ConnectionTheAgentDoesNotList_IsRefusedToTheModelAndNothingIsSent()
    {
        await CreateAgentAsync("no-github", connections: []);
        await _host.CreateWorkflowAsync(AgentWorkflow("file-issue-denied", "no-github"));
        _model.Reply = request => request.Index == 0
            ? ModelReply.ToolCalls(50, 20, ("call_1", "github_create_issue", """{"connection": "github", "repository": "octo-org/website", "title": "x"}"""))
            : FakeModelServer.AfterToolResult(request, "call_1", ModelReply.Answer("I may not file issues.", 80, 5));

        var run = await _host.WaitForRunAsync(await _host.StartRunAsync("file-issue-denied"));

        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        var toolResult = _model.Requests[1].Messages.First(m => m.GetProperty("role").GetString() == "tool").GetProperty("content").GetString()!;
        Assert.Contains("Agent 'no-github' may not use connection 'github'", toolResult, StringComparison.Ordinal);
        Assert.Empty(_github.Requests);
    }

    [Fact]
    public async Task Run_GithubNodeForAMissingIssue_FailsSayingSoWithoutTheToken()
    {
        await _host.CreateWorkflowAsync("""
            {"id": "read-issue", "nodes": [
              {"id": "play", "type": "trigger", "config": {"kind": "manual"}},
              {"id": "read", "type": "tool", "config": {"tool": "github", "connection": "github", "action": "get-issue", "repository": "octo-org/website", "number": 42}}],
             "edges": [{"from": "play", "to": "read"}]}
            """);

        var run = await _host.WaitForRunAsync(await _host.StartRunAsync("read-issue"));

        Assert.Equal("failed", run.GetProperty("status").GetString());
        Assert.Equal(
            "GitHub get-issue on octo-org/website #42 failed: not found or the token cannot see it (404 Not Found); check the repository and number, and that the token of connection 'github' may read it.",
            run.GetProperty("error").GetProperty("message").GetString());
        Assert.DoesNotContain(FakeGitHub.Token, run.GetRawText(), StringComparison.Ordinal);
    }

    private async Task CreateAgentAsync(string id, string[] connections)
    {
        var json = JsonSerializer.Serialize(new { id, name = id, instructions = "You file GitHub issues.", tools = new[] { "github_create_issue" }, connections });
        using var response = await _host.SendAsync(HttpMethod.Post, "/api/agents", json);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    private static string AgentWorkflow(string id, string agent) => $$$"""
        {"id": "{{{id}}}", "nodes": [
          {"id": "play", "type": "trigger", "config": {"kind": "manual"}},
          {"id": "ask", "type": "agent", "config": {"agent": "{{{agent}}}", "input": "Search takes ten seconds; file it."}}],
         "edges": [{"from": "play", "to": "ask"}]}
        """;
}
