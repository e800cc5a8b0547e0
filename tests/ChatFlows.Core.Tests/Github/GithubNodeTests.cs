using System.Text.Json;
using ChatFlows.Core.Connections;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Github;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;
using ChatFlows.Core.Tests.Running;

namespace ChatFlows.Core.Tests.Github;

/// <summary>README §GitHub: every action of tool/github through Octokit against a fake of GitHub's REST API.</summary>
public sealed class GithubNodeTests : IAsyncLifetime
{
    private const string Repo = "octo-org/website";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);
    private FakeGitHub _github = null!;
    private InMemoryRunStore _store = null!;

    public async Task InitializeAsync()
    {
        _github = await FakeGitHub.StartAsync();
        _github.AddRepository(Repo);
        _store = new InMemoryRunStore();
    }

    public async Task DisposeAsync() => await _github.DisposeAsync();

    private ConnectionRegistry Connections(string token = FakeGitHub.Token, string? apiBaseUrl = null) => new(
    [
        new Connection("github", ConnectionTypes.Github, ["*"], new Dictionary<string, string> { ["Token"] = token, ["ApiBaseUrl"] = apiBaseUrl ?? _github.BaseUrl }, ConnectionRegistry.ConfiguredSource),
        new Connection("other-team", ConnectionTypes.Github, ["reports"], new Dictionary<string, string> { ["Token"] = token }, ConnectionRegistry.ConfiguredSource),
    ]);

    private WorkflowEngine Engine(string token = FakeGitHub.Token) =>
        new(NodeRegistry.CreateDefault(new BuiltInNodeOptions { Connections = Connections(token) }), _store, TimeProvider.System);

    // The test's repository and connection, unless the config gives its own.
    private static string Node(string config, string id = "gh") =>
        $$$"""{"id": "{{{id}}}", "type": "tool", "config": {"tool": "github", {{{Default(config, "connection", "github")}}}{{{Default(config, "repository", Repo)}}}{{{config}}}}}""";

    private static string Default(string config, string field, string value) =>
        config.Contains($"\"{field}\"", StringComparison.Ordinal) ? "" : $"\"{field}\": \"{value}\", ";

    private async Task<RunState> RunAsync(string config, string trigger = "{}", string token = FakeGitHub.Token)
    {
        var engine = Engine(token);
        var plan = engine.Compile(Workflows.Build([Node(config)], ["start->gh"]));
        return await engine.StartAsync(plan, new RunRequest { Trigger = JsonElement.Parse(trigger) }).WaitAsync(Patience);
    }

    private static JsonElement Output(RunState run)
    {
        Assert.True(run.Status == RunStatus.Succeeded, run.Error?.Message);
        return run.Node("gh").Output!.Value;
    }

    [Fact]
    public async Task StartAsync_CreateIssue_PostsGitHubsWireFormatWithTheTokenAndOutputsTheIssue()
    {
        var run = await RunAsync(
            """ "action": "create-issue", "title": "Checkout fails for {{ trigger.customer }}", "body": "Seen at {{ trigger.at }}", "labels": ["bug", "{{ trigger.area }}"], "assignees": ["octocat"] """,
            """{"customer": "ACME", "at": "10:00", "area": "checkout"}""");

        var output = Output(run);
        var request = Assert.Single(_github.Requests);
        Assert.Equal(("POST", "/api/v3/repos/octo-org/website/issues"), (request.Method, request.Path));
        Assert.Equal($"token {FakeGitHub.Token}", request.Authorization, ignoreCase: true);
        Assert.StartsWith("ChatFlows", request.UserAgent, StringComparison.Ordinal);
        Assert.Equal("Checkout fails for ACME", request.Json!["title"]!.GetValue<string>());
        Assert.Equal("Seen at 10:00", request.Json!["body"]!.GetValue<string>());
        Assert.Equal(["bug", "checkout"], request.Json!["labels"]!.AsArray().Select(l => l!.GetValue<string>()));
        Assert.Equal(["octocat"], request.Json!["assignees"]!.AsArray().Select(l => l!.GetValue<string>()));
        Assert.Equal(1, output.GetProperty("number").GetInt32());
        Assert.Equal("open", output.GetProperty("state").GetString());
        Assert.Equal("https://github.example.com/octo-org/website/issues/1", output.GetProperty("url").GetString());
        Assert.Equal(["bug", "checkout"], output.GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal(["octocat"], output.GetProperty("assignees").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal("Checkout fails for ACME", _github.Issue(Repo, 1)!["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task StartAsync_Comment_PostsTheBodyToTheIssueAndOutputsTheCommentUrl()
    {
        _github.AddIssue(Repo, "Slow search");

        var output = Output(await RunAsync(""" "action": "comment", "number": "{{ trigger.issue }}", "body": "Looking into it." """, """{"issue": 1}"""));

        var request = Assert.Single(_github.Requests);
        Assert.Equal(("POST", "/api/v3/repos/octo-org/website/issues/1/comments"), (request.Method, request.Path));
        Assert.Equal("Looking into it.", request.Json!["body"]!.GetValue<string>());
        Assert.Equal(1, output.GetProperty("number").GetInt32());
        Assert.StartsWith("https://github.example.com/octo-org/website/issues/1#issuecomment-", output.GetProperty("url").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, _github.Issue(Repo, 1)!["comments"]!.GetValue<int>());
    }

    [Fact]
    public async Task StartAsync_CloseIssue_PatchesTheStateAndOutputsTheClosedIssue()
    {
        _github.AddIssue(Repo, "Old bug");

        var output = Output(await RunAsync(""" "action": "close-issue", "number": 1 """));

        var request = Assert.Single(_github.Requests);
        Assert.Equal(("PATCH", "/api/v3/repos/octo-org/website/issues/1"), (request.Method, request.Path));
        Assert.Equal("closed", request.Json!["state"]!.GetValue<string>());
        Assert.Equal("closed", output.GetProperty("state").GetString());
        Assert.Equal("closed", _github.Issue(Repo, 1)!["state"]!.GetValue<string>());
    }

    [Fact]
    public async Task StartAsync_AddLabelsFromAnAnswerWithCommas_AddsEachLabel()
    {
        _github.AddIssue(Repo, "Button misaligned", labels: ["triage"]);

        var output = Output(await RunAsync(""" "action": "add-labels", "number": "#1", "labels": "{{ trigger.answer }}" """, """{"answer": "bug, ui"}"""));

        var request = Assert.Single(_github.Requests);
        Assert.Equal(("POST", "/api/v3/repos/octo-org/website/issues/1/labels"), (request.Method, request.Path));
        Assert.Equal(["triage", "bug", "ui"], output.GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
    }

    [Fact]
    public async Task StartAsync_GetIssueAndPullRequest_OutputCompactObjects()
    {
        _github.AddIssue(Repo, "A bug", labels: ["bug"], body: "It breaks.");
        _github.AddIssue(Repo, "Fix the bug", pull: ("fix-bug", "main"));

        var issue = Output(await RunAsync(""" "action": "get-issue", "number": 1 """));
        var pull = Output(await RunAsync(""" "action": "get-pull-request", "number": 2 """));

        Assert.Equal(["/api/v3/repos/octo-org/website/issues/1", "/api/v3/repos/octo-org/website/pulls/2"], _github.Requests.Select(r => r.Path));
        Assert.Equal(("A bug", "It breaks.", "octocat", false), (issue.GetProperty("title").GetString(), issue.GetProperty("body").GetString(), issue.GetProperty("user").GetString(), issue.GetProperty("isPullRequest").GetBoolean()));
        Assert.Equal(("Fix the bug", "fix-bug", "main", "open"), (pull.GetProperty("title").GetString(), pull.GetProperty("head").GetString(), pull.GetProperty("base").GetString(), pull.GetProperty("state").GetString()));
        Assert.Equal("https://github.example.com/octo-org/website/pull/2", pull.GetProperty("url").GetString());
    }

    [Fact]
    public async Task StartAsync_ListIssuesByStateAndLabels_SendsTheFilterAndOutputsAnArray()
    {
        _github.AddIssue(Repo, "Open bug", labels: ["bug"]);
        _github.AddIssue(Repo, "Closed bug", labels: ["bug"], state: "closed");
        _github.AddIssue(Repo, "Open idea", labels: ["idea"]);

        var output = Output(await RunAsync(""" "action": "list-issues", "state": "all", "labels": ["bug"] """));

        var request = Assert.Single(_github.Requests);
        Assert.Equal("/api/v3/repos/octo-org/website/issues", request.Path);
        Assert.Contains("state=all", request.Query, StringComparison.Ordinal);
        Assert.Contains("labels=bug", request.Query, StringComparison.Ordinal);
        Assert.Equal(["Closed bug", "Open bug"], output.EnumerateArray().Select(i => i.GetProperty("title").GetString()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("api/v3")]
    [InlineData("api/v3/")]
    public async Task StartAsync_EnterpriseAddressWithOrWithoutApiV3_ReachesTheSameApi(string suffix)
    {
        _github.AddIssue(Repo, "Enterprise issue");
        var engine = new WorkflowEngine(NodeRegistry.CreateDefault(new BuiltInNodeOptions { Connections = Connections(apiBaseUrl: _github.BaseUrl + suffix) }), _store, TimeProvider.System);

        var run = await engine.StartAsync(engine.Compile(Workflows.Build([Node(""" "action": "get-issue", "number": 1 """)], ["start->gh"])), new RunRequest()).WaitAsync(Patience);

        Assert.Equal("Enterprise issue", Output(run).GetProperty("title").GetString());
        Assert.Equal("/api/v3/repos/octo-org/website/issues/1", Assert.Single(_github.Requests).Path);
    }

    [Fact]
    public async Task ContinueAsync_CreateIssueNodeRunsAgainInTheSameRun_IsSentOnceAndGivesTheSameIssue()
    {
        var engine = Engine();
        var plan = engine.Compile(Workflows.Build([Node(""" "action": "create-issue", "title": "Once" """)], ["start->gh"]));
        var first = await engine.StartAsync(plan, new RunRequest { RunId = "r1" }).WaitAsync(Patience);
        // The journal of a process that died after the issue was created but before it recorded the node finishing.
        var interrupted = new RunState(plan, new RunRequest { RunId = "r1" }, "r1") { Status = RunStatus.Running, StartedAt = DateTimeOffset.UtcNow };
        interrupted.Node("start").Status = NodeStatus.Succeeded;
        interrupted.Node("gh").Status = NodeStatus.Running;
        interrupted.Node("gh").Attempts = 1;

        var again = await engine.ContinueAsync(interrupted).WaitAsync(Patience);

        Assert.Equal((RunStatus.Succeeded, RunStatus.Succeeded), (first.Status, again.Status));
        Assert.Single(_github.Requests);
        Assert.Equal(1, again.Node("gh").Output!.Value.GetProperty("number").GetInt32());
        Assert.Equal(first.Node("gh").Output!.Value.GetRawText(), again.Node("gh").Output!.Value.GetRawText());
    }

    [Fact]
    public async Task StartAsync_WrongToken_FailsSayingTheConnectionsTokenIsNotValid()
    {
        var run = await RunAsync(""" "action": "get-issue", "number": 1 """, token: "ghp_revoked");

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal("GitHub get-issue on octo-org/website #1 failed: the token of connection 'github' is not valid (401 Bad credentials); give the connection a current token.", run.Error!.Message);
        Assert.DoesNotContain("ghp_revoked", run.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_UnknownRepository_FailsSayingNotFoundOrNotVisible()
    {
        var run = await RunAsync(""" "action": "create-issue", "title": "x", "repository": "octo-org/secret" """);
        var missing = await RunAsync(""" "action": "get-issue", "number": 9 """);

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.StartsWith("GitHub create-issue on octo-org/secret failed: not found or the token cannot see it (404 Not Found)", run.Error!.Message, StringComparison.Ordinal);
        Assert.StartsWith("GitHub get-issue on octo-org/website #9 failed: not found or the token cannot see it (404 Not Found)", missing.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_AssigneeGitHubRefuses_FailsWithGitHubsValidationErrors()
    {
        var run = await RunAsync(""" "action": "create-issue", "title": "x", "assignees": ["ghost"] """);

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal("GitHub create-issue on octo-org/website failed: GitHub refused it (422 Validation Failed: assignees invalid).", run.Error!.Message);
    }

    [Fact]
    public async Task StartAsync_RateLimitUsedUp_FailsSayingWhenItResets()
    {
        _github.RateLimitedUntil = new DateTimeOffset(2026, 12, 5, 7, 30, 0, TimeSpan.Zero);

        var run = await RunAsync(""" "action": "list-issues" """);

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal("GitHub list-issues on octo-org/website failed: the rate limit of the token of connection 'github' is used up (403); it resets at 2026-12-05 07:30:00 UTC.", run.Error!.Message);
    }

    [Fact]
    public async Task StartAsync_RepositoryRendersToNoRepository_FailsNamingTheField()
    {
        var run = await RunAsync(""" "action": "list-issues", "repository": "{{ trigger.repo }}" """, """{"repo": "just-a-name"}""");

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal("nodes/gh/config/repository rendered to 'just-a-name', which is not a repository; write it as owner/name, like octo-org/website.", run.Error!.Message);
        Assert.Empty(_github.Requests);
    }

    [Theory]
    [InlineData(""" "action": "create-issue" """, "nodes/gh/config/title", "GitHub create-issue needs 'title'.")]
    [InlineData(""" "action": "comment", "number": 3 """, "nodes/gh/config/body", "GitHub comment needs 'body'.")]
    [InlineData(""" "action": "add-labels", "labels": ["bug"] """, "nodes/gh/config/number", "GitHub add-labels needs 'number'.")]
    [InlineData(""" "action": "merge" """, "nodes/gh/config/action", "'merge' is not a GitHub action; use one of create-issue, comment, close-issue, add-labels, get-issue, get-pull-request, list-issues.")]
    [InlineData(""" "action": "get-issue", "number": "one" """, "nodes/gh/config/number", "'one' is not an issue or pull request number.")]
    [InlineData(""" "action": "get-issue", "number": 0 """, "nodes/gh/config/number", "number must be a whole number from 1 up.")]
    [InlineData(""" "action": "list-issues", "state": "merged" """, "nodes/gh/config/state", "'merged' is not a state to list; use open, closed or all.")]
    [InlineData(""" "action": "add-labels", "number": 1, "labels": [1] """, "nodes/gh/config/labels/0", "Each of labels must be text.")]
    [InlineData(""" "action": "list-issues", "repository": "website" """, "nodes/gh/config/repository", "'website' is not a repository; write it as owner/name, like octo-org/website.")]
    [InlineData(""" "action": "list-issues", "connection": "other-team" """, "nodes/gh/config/connection", "Connection 'other-team' may not be used by workflow 'test'; add 'test' (or *) to the connection's workflows.")]
    [InlineData(""" "action": "list-issues", "connection": "nope" """, "nodes/gh/config/connection", "There is no connection 'nope'; add a github connection of that name in the dashboard (Connections) or under ChatFlows:Connections:nope.")]
    public void Validate_BadConfig_NamesTheFieldAndWhatToDo(string config, string path, string message)
    {
        var node = Node(config);
        var registry = NodeRegistry.CreateDefault(new BuiltInNodeOptions { Connections = Connections() });

        var problems = new WorkflowValidator(registry).Validate(Workflows.Build([node], ["start->gh"]));

        var problem = Assert.Single(problems);
        Assert.Equal((path, message), (problem.Path, problem.Message));
    }
}
