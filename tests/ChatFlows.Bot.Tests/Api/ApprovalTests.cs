using System.Net;
using System.Text.Json;

namespace ChatFlows.Bot.Tests.Api;

/// <summary>Approval nodes over real HTTP: who may decide, a second click, and expiry.</summary>
[Collection(HostCollection.Name)]
[Trait("Host", "shared")]
public sealed class ApprovalTests(HostFixture host)
{
    private static string Workflow(string id, string approvers, string? timeout = null, bool expiredEdge = false) => """
        {
          "id": "__ID__",
          "nodes": [
            {"id": "play", "type": "trigger", "config": {"kind": "manual"}},
            {"id": "ok", "type": "approval", "config": {"prompt": "Deploy {{ trigger.service }}?", "approvers": __APPROVERS__, "draft": "Deploying {{ trigger.service }}"__TIMEOUT__}},
            {"id": "yes", "type": "tool", "config": {"tool": "transform", "value": "shipped: {{ data.ok.draft }} by {{ data.ok.by }}"}},
            {"id": "no", "type": "tool", "config": {"tool": "transform", "value": "stopped by {{ data.ok.by }}: {{ data.ok.comment }}"}}__LATE__
          ],
          "edges": [
            {"from": "play", "to": "ok"}, {"from": "ok", "port": "approved", "to": "yes"}, {"from": "ok", "port": "rejected", "to": "no"}__EXPIRED__
          ]
        }
        """
        .Replace("__ID__", id, StringComparison.Ordinal)
        .Replace("__APPROVERS__", approvers, StringComparison.Ordinal)
        .Replace("__TIMEOUT__", timeout is null ? "" : $", \"timeout\": \"{timeout}\"", StringComparison.Ordinal)
        .Replace("__LATE__", expiredEdge ? ", {\"id\": \"late\", \"type\": \"tool\", \"config\": {\"tool\": \"transform\", \"value\": \"nobody answered\"}}" : "", StringComparison.Ordinal)
        .Replace("__EXPIRED__", expiredEdge ? ", {\"from\": \"ok\", \"port\": \"expired\", \"to\": \"late\"}" : "", StringComparison.Ordinal);

    [Fact]
    public async Task Decide_CallerNotAnApprover_Returns403EvenWhenTheBodyNamesAnApprover()
    {
        await host.CreateWorkflowAsync(Workflow("approve-flow", """["slack:U0APPROVER", "teams:6f1c2a9e-1111-4c4c-9d9d-0123456789ab"]"""));
        var runId = await host.StartRunAsync("approve-flow", """{"service": "api"}""");
        var waiting = await host.WaitForRunAsync(runId, "waiting");
        var request = waiting.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("nodeId").GetString() == "ok").GetProperty("output");
        Assert.Equal("Deploy api?", request.GetProperty("prompt").GetString());
        Assert.Equal("Deploying api", request.GetProperty("draft").GetString());

        // The loopback caller is this machine's local user, whatever the body says.
        using var impostor = await DecideAsync(runId, "approve", "slack:U0APPROVER");

        Assert.Equal(HttpStatusCode.Forbidden, impostor.StatusCode);
        Assert.Contains("Only slack:U0APPROVER", (await HostFixture.ReadProblemAsync(impostor)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("waiting", (await host.GetJsonAsync($"/api/runs/{runId}")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Decide_BodyNamesSomeoneElse_DecidedAndRecordedAsTheCaller()
    {
        await host.CreateWorkflowAsync(Workflow("approve-local", """["slack:U0APPROVER", "local"]"""));
        var runId = await host.StartRunAsync("approve-local", """{"service": "api"}""");
        await host.WaitForRunAsync(runId, "waiting");

        using var approver = await DecideAsync(runId, "approve", "slack:U0APPROVER", draft: "Deploying api (edited)");
        var run = await host.WaitForRunAsync(runId);

        Assert.Equal(HttpStatusCode.Accepted, approver.StatusCode);
        Assert.StartsWith("Approved by local at ", (await HostFixture.ReadJsonAsync(approver)).GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        Assert.Equal("shipped: Deploying api (edited) by local", run.GetProperty("data").GetProperty("yes").GetString());
        var decided = run.GetProperty("data").GetProperty("ok");
        Assert.Equal("approved", decided.GetProperty("decision").GetString());
        Assert.Equal("local", decided.GetProperty("by").GetString());
        Assert.Equal("Deploy api?", decided.GetProperty("prompt").GetString());
        Assert.Equal(JsonValueKind.String, decided.GetProperty("at").ValueKind);
        Assert.False(run.GetProperty("data").TryGetProperty("no", out _));
    }

    [Fact]
    public async Task Decide_Twice_SecondIsRefusedSayingWhoDecided()
    {
        await host.CreateWorkflowAsync(Workflow("reject-flow", """["anyone"]"""));
        var runId = await host.StartRunAsync("reject-flow", """{"service": "web"}""");
        await host.WaitForRunAsync(runId, "waiting");

        using var first = await DecideAsync(runId, "reject", by: null, comment: "not on a Friday");
        using var second = await DecideAsync(runId, "approve", by: null);
        var run = await host.WaitForRunAsync(runId);
        using var third = await DecideAsync(runId, "approve", by: null);

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Contains("Already rejected by local", (await HostFixture.ReadProblemAsync(second)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, third.StatusCode);
        Assert.Contains("Already rejected by local", (await HostFixture.ReadProblemAsync(third)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("stopped by local: not on a Friday", run.GetProperty("data").GetProperty("no").GetString());
    }

    [Fact]
    public async Task Timeout_WithoutExpiredEdge_RunExpiresAndLateClickChangesNothing()
    {
        await host.CreateWorkflowAsync(Workflow("expire-flow", """["anyone"]""", timeout: "PT0.5S"));
        var runId = await host.StartRunAsync("expire-flow", """{"service": "db"}""");

        var run = await host.WaitForRunAsync(runId);
        using var late = await DecideAsync(runId, "approve", by: null);

        Assert.Equal("expired", run.GetProperty("status").GetString());
        var ok = run.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("nodeId").GetString() == "ok");
        Assert.Equal("expired", ok.GetProperty("port").GetString());
        Assert.Equal("expired", ok.GetProperty("output").GetProperty("decision").GetString());
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Contains("expired", (await HostFixture.ReadProblemAsync(late)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Timeout_WithExpiredEdge_FollowsIt()
    {
        await host.CreateWorkflowAsync(Workflow("expire-edge", """["anyone"]""", timeout: "PT0.5S", expiredEdge: true));
        var run = await host.WaitForRunAsync(await host.StartRunAsync("expire-edge", """{"service": "db"}"""));

        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        Assert.Equal("nobody answered", run.GetProperty("data").GetProperty("late").GetString());
    }

    [Fact]
    public async Task Decide_BadBody_Returns400NamingFields()
    {
        using var response = await host.SendAsync(HttpMethod.Post, "/api/runs/nope/decisions", """{"decision": "maybe"}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await HostFixture.ReadProblemAsync(response)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("decision", out _));
    }

    [Fact]
    public async Task SaveWorkflow_BadApprover_Returns400WithPath()
    {
        using var response = await host.SendAsync(HttpMethod.Post, "/api/workflows", Workflow("bad-approver", """["U012", "slack:U0OK"]"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await HostFixture.ReadProblemAsync(response)).GetProperty("errors");
        Assert.Contains("is not an approver", errors.GetProperty("nodes/ok/config/approvers/0")[0].GetString(), StringComparison.Ordinal);
    }

    private Task<HttpResponseMessage> DecideAsync(string runId, string decision, string? by, string? comment = null, string? draft = null) =>
        host.SendAsync(HttpMethod.Post, $"/api/runs/{runId}/decisions", JsonSerializer.Serialize(new { decision, by, comment, draft }));
}
