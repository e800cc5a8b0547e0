using System.Text.Json;
using ChatFlows.Core.Http;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;
using ChatFlows.Core.Secrets;
using ChatFlows.Core.Tests.Running;

namespace ChatFlows.Core.Tests.Http;

/// <summary>
/// <c>{{ secrets.NAME }}</c> in <c>tool/http</c> headers and query values: substituted after templating, where the
/// request is built, and never from run data.
/// </summary>
public sealed class HttpCredentialTests : IAsyncLifetime
{
    private const string Token = "tok-5ecret-0a1b2c";
    private HttpTestServer _server = null!;

    public async Task InitializeAsync() => _server = await HttpTestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private Task<RunState> RunAsync(string headers, string query, string trigger = "{}")
    {
        var vault = new SecretVault(null, [new("API_TOKEN", Token)]);
        var engine = new WorkflowEngine(
            NodeRegistry.CreateDefault(new BuiltInNodeOptions { Http = new HttpToolOptions { AllowedHosts = ["127.0.0.1"] } }),
            new InMemoryRunStore(), new ObservedTime(), secrets: vault);
        var node = $$$"""{"id": "call", "type": "tool", "config": {"tool": "http", "url": "{{{_server.Url("/api")}}}", "headers": {{{headers}}}, "query": {{{query}}}}}""";
        var document = Workflows.Build([node], ["start->call"]);
        return engine.StartAsync(engine.Compile(document), new RunRequest { Trigger = JsonElement.Parse(trigger) }).WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task StartAsync_SecretInHeaderAndQuery_ReachesTheServerAfterTemplating()
    {
        _server.Map("/api", 200, """{"ok": true}""");

        var run = await RunAsync(
            """{"Authorization": "Bearer {{ secrets.API_TOKEN }}", "X-Team": "{{ trigger.team | upcase }}"}""",
            """{"key": "{{secrets.API_TOKEN}}", "team": "{{ trigger.team }}"}""",
            """{"team": "ops"}""");

        Assert.Equal(RunStatus.Succeeded, run.Status);
        var received = Assert.Single(_server.Received("/api"));
        Assert.Equal($"Bearer {Token}", received.Header("Authorization"));
        Assert.Equal("OPS", received.Header("X-Team"));
        Assert.Equal($"?key={Token}&team=ops", received.Query);
    }

    [Fact]
    public async Task StartAsync_ReferenceArrivingInRunData_IsSentAsPlainText()
    {
        _server.Map("/api", 200, """{"ok": true}""");

        var run = await RunAsync("""{"X-Echo": "{{ trigger.text }}"}""", "{}", """{"text": "{{ secrets.API_TOKEN }}"}""");

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal("{{ secrets.API_TOKEN }}", Assert.Single(_server.Received("/api")).Header("X-Echo"));
    }

    [Fact]
    public async Task StartAsync_SecretNotSet_FailsNamingTheFieldAndHowToSetIt()
    {
        var run = await RunAsync("""{"Authorization": "Bearer {{ secrets.NEVER_SET }}"}""", "{}");

        Assert.Equal(RunStatus.Failed, run.Status);
        var message = run.Node("call").Error!;
        Assert.Contains("nodes/call/config/headers/Authorization: secret 'NEVER_SET' is not set", message, StringComparison.Ordinal);
        Assert.Contains("PUT /api/secrets/NEVER_SET", message, StringComparison.Ordinal);
        Assert.Empty(_server.Received("/api"));
    }
}
