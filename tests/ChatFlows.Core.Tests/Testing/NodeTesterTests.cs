using System.Text.Json;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Http;
using ChatFlows.Core.Messaging;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Secrets;
using ChatFlows.Core.Testing;
using ChatFlows.Core.Tests.Http;
using ChatFlows.Core.Tests.Running;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;

namespace ChatFlows.Core.Tests.Testing;

/// <summary>README §Test a node: one node run on its own, with the registry, sandbox and secrets a run uses.</summary>
public sealed class NodeTesterTests : IAsyncLifetime
{
    private const string Token = "tok-5ecret-value";
    private readonly RecordingChatChannel _chat = new("playground");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 5, 9, 0, 0, TimeSpan.Zero));
    private HttpTestServer _server = null!;

    public async Task InitializeAsync() => _server = await HttpTestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private NodeTester Tester() => new(
        NodeRegistry.CreateDefault(new BuiltInNodeOptions { Chat = new ChatChannels([_chat]), Http = new HttpToolOptions { AllowedHosts = ["127.0.0.1"] } }),
        _time,
        new SecretVault(null, [new KeyValuePair<string, string>("API_TOKEN", Token)]));

    private static WorkflowDocument Workflow(params string[] nodes) => Workflows.Build(nodes, nodes.Select(n => $"start->{JsonDocument.Parse(n).RootElement.GetProperty("id").GetString()}").ToArray());

    private static NodeTestInputs Inputs(string trigger, string nodes = "{}") => new(
        JsonElement.Parse(trigger), JsonElement.Parse(nodes).EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone()));

    [Fact]
    public async Task TestAsync_TransformTemplate_RendersTriggerAndUpstreamData()
    {
        var document = Workflow(
            """{"id": "fetch", "type": "tool", "config": {"tool": "transform", "value": {"n": 1}}}""",
            """{"id": "shape", "type": "tool", "config": {"tool": "transform", "value": {"line": "{{ trigger.who }} has {{ data.fetch.count }} items"}}}""");

        var result = await Tester().TestAsync(document, "shape", Inputs("""{"who": "Ada"}""", """{"fetch": {"count": 3}}"""), confirmed: false);

        Assert.Equal("succeeded", result.Status);
        Assert.Equal("Ada has 3 items", result.Output!.Value.GetProperty("line").GetString());
        Assert.Equal("tool/transform", result.Kind);
        Assert.Null(result.Error);
    }

    [Theory]
    [InlineData(5, "true")]
    [InlineData(1, "false")]
    public async Task TestAsync_Condition_FiresThePortTheExpressionPicks(int errors, string port)
    {
        var document = Workflow("""{"id": "bad", "type": "condition", "config": {"expression": "trigger.errors > 2"}}""");

        var result = await Tester().TestAsync(document, "bad", Inputs($$"""{"errors": {{errors}}}"""), confirmed: false);

        Assert.Equal("succeeded", result.Status);
        Assert.Equal(port, result.Port);
    }

    [Fact]
    public async Task TestAsync_HttpNotConfirmed_RefusesAndSendsNothing()
    {
        _server.Map("/deploy", 200, """{"ok": true}""");
        var document = Workflow("""{"id": "post", "type": "tool", "config": {"tool": "http", "method": "POST", "url": "URL"}}""".Replace("URL", _server.Url("/deploy"), StringComparison.Ordinal));

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => Tester().TestAsync(document, "post", Inputs("{}"), confirmed: false));

        Assert.Contains("sends an HTTP request", refused.Message, StringComparison.Ordinal);
        Assert.Empty(_server.Received("/deploy"));
    }

    [Fact]
    public async Task TestAsync_HttpConfirmed_SendsTheRequestAndRedactsTheSecretFromItsOutput()
    {
        // The server echoes the credential it received, as a careless API might.
        _server.Map("/deploy", (context, request) =>
        {
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync(JsonSerializer.Serialize(new { echoed = request.Header("Authorization") }));
        });
        var document = Workflow("""
            {"id": "post", "type": "tool", "config": {"tool": "http", "method": "POST", "url": "URL",
             "headers": {"Authorization": "Bearer {{ secrets.API_TOKEN }}"}, "body": {"service": "{{ trigger.service }}"}}}
            """.Replace("URL", _server.Url("/deploy"), StringComparison.Ordinal));

        var result = await Tester().TestAsync(document, "post", Inputs("""{"service": "web"}"""), confirmed: true);

        var sent = Assert.Single(_server.Received("/deploy"));
        Assert.Equal($"Bearer {Token}", sent.Header("Authorization"));
        Assert.Contains("\"web\"", sent.Body, StringComparison.Ordinal);
        Assert.Equal("succeeded", result.Status);
        Assert.DoesNotContain(Token, result.Output!.Value.GetRawText(), StringComparison.Ordinal);
        Assert.Contains("[secret API_TOKEN]", result.Output!.Value.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TestAsync_MessageToAChannelConfirmed_ReturnsTheMessageAndPostsNothing()
    {
        var document = Workflow("""{"id": "say", "type": "output", "config": {"kind": "message", "channel": "playground:general", "text": "Deployed {{ trigger.service }}"}}""");

        var result = await Tester().TestAsync(document, "say", Inputs("""{"service": "api"}"""), confirmed: true);

        Assert.Empty(_chat.Messages);
        Assert.Equal("succeeded", result.Status);
        Assert.Equal("Deployed api", result.Output!.Value.GetProperty("text").GetString());
        Assert.Equal("playground:general", result.Output!.Value.GetProperty("wouldPostTo").GetString());
    }

    [Fact]
    public async Task TestAsync_Approval_ShowsTheRequestWithoutWaitingOrPosting()
    {
        var document = Workflow("""{"id": "ok", "type": "approval", "config": {"prompt": "Ship {{ trigger.service }}?", "approvers": ["anyone"], "timeout": "PT1H"}}""");

        var result = await Tester().TestAsync(document, "ok", Inputs("""{"service": "api"}"""), confirmed: true).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("waiting", result.Status);
        Assert.Equal(ApprovalNode.Bookmark, result.WaitsOn);
        Assert.Equal("Ship api?", result.Output!.Value.GetProperty("prompt").GetString());
        Assert.Empty(_chat.Messages);
    }

    [Fact]
    public async Task TestAsync_Delay_ReturnsWithoutWaiting()
    {
        var document = Workflow("""{"id": "pause", "type": "tool", "config": {"tool": "delay", "duration": "PT3S"}}""");

        // The fake clock never moves: a delay that waited would never return.
        var result = await Tester().TestAsync(document, "pause", Inputs("{}"), confirmed: false).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("succeeded", result.Status);
    }

    [Fact]
    public async Task TestAsync_ExpressionThatThrows_AnswersWithTheErrorAsTheResult()
    {
        var document = Workflow("""{"id": "check", "type": "condition", "config": {"expression": "trigger.items.length > 0"}}""");

        var result = await Tester().TestAsync(document, "check", Inputs("{}"), confirmed: false);

        Assert.Equal("failed", result.Status);
        Assert.StartsWith("nodes/check/config/expression", result.Error, StringComparison.Ordinal);
        Assert.Null(result.Output);
    }

    [Fact]
    public async Task TestAsync_ProblemsElsewhereInTheDocument_StillTestsThisNodeButNotABrokenOne()
    {
        var document = Workflow(
            """{"id": "shape", "type": "tool", "config": {"tool": "transform", "value": {"ok": true}}}""",
            """{"id": "broken", "type": "tool", "config": {"tool": "http"}}""");

        var result = await Tester().TestAsync(document, "shape", Inputs("{}"), confirmed: false);
        var refused = await Assert.ThrowsAsync<WorkflowValidationException>(() => Tester().TestAsync(document, "broken", Inputs("{}"), confirmed: true));

        Assert.Equal("succeeded", result.Status);
        Assert.All(refused.Problems, p => Assert.StartsWith("nodes/broken", p.Path, StringComparison.Ordinal));
        Assert.Contains(refused.Problems, p => p.Path == "nodes/broken/config/url");
    }
}
