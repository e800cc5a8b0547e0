using System.Text.Json;
using ChatFlows.Core.Http;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;
using ChatFlows.Core.Tests.Running;
using Microsoft.AspNetCore.Http;

namespace ChatFlows.Core.Tests.Http;

/// <summary><c>tool/http</c> run by the engine against a real local server.</summary>
public sealed partial class HttpNodeTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan AttemptTimeout = new HttpToolOptions().Timeout;
    private readonly ObservedTime _time = new();
    private readonly InMemoryRunStore _store = new();
    private HttpTestServer _server = null!;

    public async Task InitializeAsync() => _server = await HttpTestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static HttpToolOptions LocalOnly => new() { AllowedHosts = ["127.0.0.1"] };

    private WorkflowEngine Engine(HttpToolOptions? options = null) =>
        new(NodeRegistry.CreateDefault(new BuiltInNodeOptions { Http = options ?? LocalOnly }), _store, _time);

    private static string HttpNode(string id, string config, string more = "") =>
        $$"""{"id": "{{id}}", "type": "tool", "config": {"tool": "http", {{config}}}{{more}}}""";

    // Starts a run of start -> fetch; the caller awaits it (with WaitAsync when the clock is not to be advanced).
    private Task<RunState> StartFetch(string config, HttpToolOptions? options = null, string trigger = "{}")
    {
        var engine = Engine(options);
        var document = Workflows.Build([HttpNode("fetch", config)], ["start->fetch"]);
        return engine.StartAsync(engine.Compile(document), new RunRequest { Trigger = JsonElement.Parse(trigger) });
    }

    // Waits for a run whose idempotent call may meet a transient connection failure on a busy machine: its retry waits
    // a backoff on the test's clock, which is moved on meanwhile, a second at a time.
    private async Task<RunState> WithClockMovingAsync(Task<RunState> run)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!run.IsCompleted && waited.Elapsed < Patience)
        {
            await Task.WhenAny(run, Task.Delay(100));
            if (!run.IsCompleted) _time.Advance(TimeSpan.FromSeconds(1));
        }
        return await run.WaitAsync(Patience);
    }

    private Task<RunState> RunFetchAsync(string config, HttpToolOptions? options = null, string trigger = "{}") =>
        StartFetch(config, options, trigger).WaitAsync(Patience);

    [Theory]
    [InlineData("""[{"id": 1}, {"id": 2}]""", "some")]
    [InlineData("[]", "none")]
    public async Task StartAsync_GetJsonArray_ParsedIntoDataForTheCondition(string items, string branch)
    {
        _server.Map("/items", 200, items);
        var engine = Engine();
        var document = Workflows.Build(
            [
                HttpNode("fetch", $$""" "method": "GET", "url": "{{_server.Url("/items")}}" """, """, "output": "items" """),
                "any:condition:data.items.length > 0",
                """{"id": "some", "type": "tool", "config": {"tool": "transform", "value": "{{ data.items[1].id }}"}}""",
                """{"id": "none", "type": "tool", "config": {"tool": "transform", "value": "empty"}}""",
            ],
            ["start->fetch", "fetch->any", "any.true->some", "any.false->none"]);

        var run = await engine.StartAsync(engine.Compile(document), new RunRequest()).WaitAsync(Patience);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(NodeStatus.Succeeded, run.Node(branch).Status);
        Assert.True(run.TryGetData("items", out var data));
        Assert.Equal(JsonValueKind.Array, data.ValueKind);
        if (branch == "some") Assert.Equal(2, run.Node("some").Output!.Value.GetInt32());
    }

    [Fact]
    public async Task StartAsync_PostWithTemplates_ServerReceivesHeadersQueryAndJsonBody()
    {
        _server.Map("/orders", 201, """{"id": 7}""");
        var config = $$$"""
            "method": "POST", "url": "{{{_server.Url("/orders")}}}",
            "headers": {"Authorization": "Bearer {{ trigger.token }}", "X-Team": "{{ trigger.team }}"},
            "query": {"team": "{{ trigger.team }}", "limit": 10, "dry": true},
            "body": {"name": "{{ trigger.team }}", "count": "{{ trigger.n }}", "tags": ["a", "{{ trigger.team }}"]}
            """;

        var run = await RunFetchAsync(config, trigger: """{"token": "abc", "team": "core & ops", "n": 3}""");

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(7, run.Node("fetch").Output!.Value.GetProperty("id").GetInt32());
        var received = Assert.Single(_server.Received("/orders"));
        Assert.Equal("POST", received.Method);
        Assert.Equal("Bearer abc", received.Header("Authorization"));
        Assert.Equal("core & ops", received.Header("X-Team"));
        Assert.Equal("?team=core%20%26%20ops&limit=10&dry=true", received.Query);
        Assert.Equal("application/json", received.Header("Content-Type"));
        Assert.Equal("""{"name":"core & ops","count":3,"tags":["a","core & ops"]}""", received.Body);
    }

    [Fact]
    public async Task StartAsync_StringBody_SentAsTextUnlessAContentTypeHeaderSaysOtherwise()
    {
        _server.Map("/form", 204).Map("/note", 204);
        var engine = Engine();
        var document = Workflows.Build(
            [
                HttpNode("form", $$$""" "method": "PUT", "url": "{{{_server.Url("/form")}}}", "headers": {"content-type": "application/x-www-form-urlencoded"}, "body": "q={{ trigger.q }}&n=1" """),
                HttpNode("note", $$$""" "method": "POST", "url": "{{{_server.Url("/note")}}}", "body": "hello {{ trigger.q }}" """),
            ],
            // One after the other: made at once, the two calls met a failed connection to this server twice in CI
            // runs with both suites (the PUT timed out once, the POST's response ended early once); never alone.
            ["start->form", "form->note"]);

        var run = await WithClockMovingAsync(engine.StartAsync(engine.Compile(document), new RunRequest { Trigger = JsonElement.Parse("""{"q": "cats"}""") }));

        Assert.True(run.Status == RunStatus.Succeeded, $"The run {run.Status.ToText()}: {run.Error}");
        var form = Assert.Single(_server.Received("/form"));
        Assert.Equal(("application/x-www-form-urlencoded", "q=cats&n=1"), (form.Header("Content-Type"), form.Body));
        var note = Assert.Single(_server.Received("/note"));
        Assert.Equal(("text/plain; charset=utf-8", "hello cats"), (note.Header("Content-Type"), note.Body));
        Assert.Equal(JsonValueKind.Null, run.Node("note").Output!.Value.ValueKind);
    }

    [Fact]
    public async Task StartAsync_FullResponseWith404_SucceedsWithStatusHeadersAndBody()
    {
        _server.Map("/missing", (context, _) =>
        {
            context.Response.StatusCode = 404;
            context.Response.Headers["X-Request-Id"] = "r-1";
            context.Response.ContentType = "application/problem+json";
            return context.Response.WriteAsync("""{"title": "no such item"}""");
        });

        var run = await RunFetchAsync($$""" "url": "{{_server.Url("/missing")}}", "fullResponse": true """);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        var output = run.Node("fetch").Output!.Value;
        Assert.Equal(404, output.GetProperty("status").GetInt32());
        Assert.Equal("r-1", output.GetProperty("headers").GetProperty("x-request-id").GetString());
        Assert.Equal("application/problem+json", output.GetProperty("headers").GetProperty("content-type").GetString());
        Assert.Equal("no such item", output.GetProperty("body").GetProperty("title").GetString());
    }

    [Fact]
    public async Task StartAsync_404WithoutFullResponse_FailsNamingStatusAndBodyButNotTheQuery()
    {
        _server.Map("/missing", 404, "no such item", "text/plain");

        var run = await RunFetchAsync($$""" "url": "{{_server.Url("/missing")}}?api_key=hunter2", "query": {"token": "also-secret"} """);

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal($"GET {_server.Url("/missing")} answered 404 Not Found: no such item", run.Error!.Message);
        Assert.Equal("?api_key=hunter2&token=also-secret", Assert.Single(_server.Received("/missing")).Query);
    }

    [Fact]
    public async Task StartAsync_JsonContentTypeWithInvalidBody_FailsSayingSo()
    {
        _server.Map("/broken-json", 200, "<html>oops</html>");

        var run = await RunFetchAsync($$""" "url": "{{_server.Url("/broken-json")}}" """);

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.StartsWith($"GET {_server.Url("/broken-json")} answered with application/json that is not valid JSON:", run.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_UrlRendersToNonHttpUrl_FailsWithAClearMessage()
    {
        var run = await RunFetchAsync(""" "url": "{{ trigger.url }}" """, trigger: """{"url": "file:///etc/passwd"}""");

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal("nodes/fetch/config/url rendered to 'file:///etc/passwd', which is not an absolute http:// or https:// URL.", run.Error!.Message);
    }

    [Fact]
    public async Task ContinueAsync_PostNodeRunsAgainInTheSameRun_IsNotSentTwice()
    {
        var calls = 0;
        _server.Map("/charge", (context, _) =>
        {
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync($$"""{"charge": {{Interlocked.Increment(ref calls)}}}""");
        });
        _server.Map("/status", (context, _) => context.Response.WriteAsync($"check {Interlocked.Increment(ref calls)}"));
        var engine = Engine();
        var plan = engine.Compile(Workflows.Build(
            [
                HttpNode("charge", $$""" "method": "POST", "url": "{{_server.Url("/charge")}}", "body": {"amount": 5} """),
                HttpNode("check", $$""" "url": "{{_server.Url("/status")}}" """),
            ],
            ["start->charge", "start->check"]));
        var first = await engine.StartAsync(plan, new RunRequest { RunId = "r1" }).WaitAsync(Patience);
        // The journal of a process that died after both requests went out but before it recorded either node finishing.
        var interrupted = new RunState(plan, new RunRequest { RunId = "r1" }, "r1") { Status = RunStatus.Running, StartedAt = _time.GetUtcNow() };
        interrupted.Node("start").Status = NodeStatus.Succeeded;
        foreach (var id in new[] { "charge", "check" })
        {
            interrupted.Node(id).Status = NodeStatus.Running;
            interrupted.Node(id).Attempts = 1;
        }

        var again = await engine.ContinueAsync(interrupted).WaitAsync(Patience);

        Assert.Equal((RunStatus.Succeeded, RunStatus.Succeeded), (first.Status, again.Status));
        Assert.Single(_server.Received("/charge"));
        Assert.Equal(first.Node("charge").Output!.Value.GetRawText(), again.Node("charge").Output!.Value.GetRawText());
        // A GET has no side effect to protect, so it is simply asked again.
        Assert.Equal(2, _server.Received("/status").Count);
    }
}
