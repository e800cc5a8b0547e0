using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ChatFlows.Bot.Tests.Audit;

/// <summary>
/// README §Audit log: every audited action, performed over real HTTP on the shared host (its caller is this machine's
/// local user, on the canvas), read back through <c>GET /api/audit</c>.
/// </summary>
[Collection(HostCollection.Name)]
[Trait("Host", "shared")]
public sealed class AuditRecordingTests(HostFixture host)
{
    private const string Local = "local";

    [Fact]
    public async Task CreateWorkflow_FromATemplate_IsRecordedAsImportedNamingTheTemplate()
    {
        var template = await host.GetJsonAsync("/api/templates/uptime-check");
        var document = JsonNode.Parse(template.GetProperty("workflow").GetRawText())!.AsObject();
        document["id"] = "audit-imported";

        using var response = await host.SendAsync(HttpMethod.Post, "/api/workflows?template=uptime-check", document.ToJsonString());

        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var entry = await AuditReader.SingleAsync(host, "workflow.", "audit-imported");
        Assert.Equal((Local, "canvas", "workflow.imported", "audit-imported"), AuditReader.Who(entry));
        Assert.Equal("from template uptime-check", entry.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task CreateWorkflow_UnknownTemplate_Returns400NamingTemplateAndRecordsNothing()
    {
        using var response = await host.SendAsync(HttpMethod.Post, "/api/workflows?template=no-such-template", TestWorkflows.Echo("audit-bad-template"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await HostFixture.ReadProblemAsync(response)).GetProperty("errors").TryGetProperty("template", out _));
        Assert.Empty(await AuditReader.EntriesAsync(host, "workflow.", "audit-bad-template"));
    }

    [Fact]
    public async Task Agent_CreatedSavedAndDeleted_EachIsRecorded()
    {
        const string Agent = """{"id": "audit-agent", "name": "Audit agent", "instructions": "Write short notes.", "temperature": 0.2, "maxOutputTokens": 300}""";
        using (var created = await host.SendAsync(HttpMethod.Post, "/api/agents", Agent)) Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using (var saved = await host.SendAsync(HttpMethod.Put, "/api/agents/audit-agent", Agent, "\"1\"")) Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        using (var deleted = await host.SendAsync(HttpMethod.Delete, "/api/agents/audit-agent")) Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);

        var entries = await AuditReader.EntriesAsync(host, "agent.", "audit-agent");

        Assert.Equal(
            [(Local, "canvas", "agent.deleted", "audit-agent"), (Local, "canvas", "agent.saved", "audit-agent"), (Local, "canvas", "agent.saved", "audit-agent")],
            entries.Select(AuditReader.Who));
        Assert.Equal([null, "saved version 2", "created version 1"], entries.Select(e => e.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task Connection_SavedAndDeleted_AreRecordedWithoutTheCredential()
    {
        const string Token = "ghp_audit_credential_never_logged";
        using (var put = await host.SendAsync(HttpMethod.Put, "/api/connections/audit-github", """{"type": "github", "workflows": ["*"], "settings": {"Token": "TOKEN"}}""".Replace("TOKEN", Token, StringComparison.Ordinal))) Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        using (var deleted = await host.SendAsync(HttpMethod.Delete, "/api/connections/audit-github")) Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);

        var entries = await AuditReader.EntriesAsync(host, "connection.", "audit-github");

        Assert.Equal([(Local, "canvas", "connection.deleted", "audit-github"), (Local, "canvas", "connection.saved", "audit-github")], entries.Select(AuditReader.Who));
        Assert.Contains("Token", entries[1].GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Token, await host.Client.GetStringAsync("/api/audit.csv"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Secret_SetAndDeleted_AreRecordedByNameAndTheValueIsNowhereInTheLog()
    {
        const string Value = "audit-secret-value-never-logged";
        using (var set = await host.SendAsync(HttpMethod.Put, "/api/secrets/AUDIT_SECRET", $$"""{"value": "{{Value}}"}""")) Assert.Equal(HttpStatusCode.Created, set.StatusCode);
        using (var deleted = await host.SendAsync(HttpMethod.Delete, "/api/secrets/AUDIT_SECRET")) Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);

        var entries = await AuditReader.EntriesAsync(host, "secret.", "AUDIT_SECRET");

        Assert.Equal([(Local, "canvas", "secret.deleted", "AUDIT_SECRET"), (Local, "canvas", "secret.set", "AUDIT_SECRET")], entries.Select(AuditReader.Who));
        Assert.DoesNotContain(Value, await host.Client.GetStringAsync("/api/audit.csv"), StringComparison.Ordinal);
        Assert.DoesNotContain(Value, (await host.GetJsonAsync("/api/audit?limit=500")).GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartRun_WithPlay_IsRecordedFromTheCanvasNamingTheWorkflow()
    {
        await host.CreateWorkflowAsync(TestWorkflows.Echo("audit-play"));

        var runId = await host.StartRunAsync("audit-play");

        var entry = await AuditReader.SingleAsync(host, "run.started", runId);
        Assert.Equal((Local, "canvas", "run.started", runId), AuditReader.Who(entry));
        Assert.Equal("workflow audit-play", entry.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task RunCommand_InThePlayground_IsRecordedFromThePlaygroundAsThePerson()
    {
        await host.CreateWorkflowAsync(Holding("audit-chat-run", "audit-chat-run-cmd"));

        var started = await host.ChatAsync("audit-chat", "ada", "/run audit-chat-run-cmd");
        var runId = started.GetProperty("runId").GetString()!;

        Assert.Equal(("playground:ada", "playground", "run.started", runId), AuditReader.Who(await AuditReader.SingleAsync(host, "run.started", runId)));
        var cancelled = await host.ChatAsync("audit-chat", "ada", $"/run cancel {runId}");
        Assert.StartsWith("Cancelling", cancelled.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal(("playground:ada", "playground", "run.cancelled", runId), AuditReader.Who(await AuditReader.SingleAsync(host, "run.cancelled", runId)));
    }

    [Fact]
    public async Task Webhook_SignedDelivery_IsRecordedFromTheWebhookWithTheSendersAddress()
    {
        await host.CreateWorkflowAsync(TestWorkflows.Hook("audit-hook", "{{ secrets." + HostFixture.HookSecretName + " }}"));
        const string Body = """{"orderId": "A-17", "quantity": 12, "packSize": 4}""";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/hooks/audit-hook") { Content = HostFixture.Json(Body) };
        request.Headers.Add("X-ChatFlows-Signature", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(HostFixture.HookSecret), Encoding.UTF8.GetBytes(Body))));

        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var runId = (await HostFixture.ReadJsonAsync(response)).GetProperty("runId").GetString()!;
        var entry = await AuditReader.SingleAsync(host, "run.started", runId);
        Assert.Equal(("webhook", "webhook", "run.started", runId), AuditReader.Who(entry));
        Assert.False(string.IsNullOrEmpty(entry.GetProperty("address").GetString()));
    }

    [Fact]
    public async Task CancelRun_WithTheApi_IsRecordedFromTheCanvas()
    {
        await host.CreateWorkflowAsync(TestWorkflows.Waiting("audit-cancel"));
        var runId = await host.StartRunAsync("audit-cancel");
        await host.WaitForRunAsync(runId, "waiting");

        using var cancel = await host.SendAsync(HttpMethod.Post, $"/api/runs/{runId}/cancel");

        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        Assert.Equal((Local, "canvas", "run.cancelled", runId), AuditReader.Who(await AuditReader.SingleAsync(host, "run.cancelled", runId)));
    }

    [Fact]
    public async Task Decide_WithTheApi_IsRecordedWithTheVerdictAndComment()
    {
        await host.CreateWorkflowAsync(Approval("audit-decide-api", """["local"]"""));
        var runId = await host.StartRunAsync("audit-decide-api");
        await host.WaitForRunAsync(runId, "waiting");

        using var decided = await host.SendAsync(HttpMethod.Post, $"/api/runs/{runId}/decisions", """{"decision": "reject", "comment": "not on a Friday"}""");

        Assert.Equal(HttpStatusCode.Accepted, decided.StatusCode);
        var entry = await AuditReader.SingleAsync(host, "approval.decided", runId);
        Assert.Equal((Local, "canvas", "approval.decided", runId), AuditReader.Who(entry));
        Assert.Equal("rejected at 'ok': not on a Friday", entry.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Decide_OnAPlaygroundCard_IsRecordedFromThePlaygroundAsTheClicker()
    {
        await host.CreateWorkflowAsync(Approval("audit-decide-card", """["playground:grace"]"""));
        var runId = await host.StartRunAsync("audit-decide-card");
        await host.WaitForRunAsync(runId, "waiting");

        using var click = await host.SendAsync(HttpMethod.Post, "/playground/api/actions", JsonSerializer.Serialize(new { user = "grace", runId, nodeId = "ok", verb = "approve" }));

        Assert.Equal(HttpStatusCode.OK, click.StatusCode);
        var entry = await AuditReader.SingleAsync(host, "approval.decided", runId);
        Assert.Equal(("playground:grace", "playground", "approval.decided", runId), AuditReader.Who(entry));
        Assert.Equal("approved at 'ok'", entry.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Decide_RefusedClick_RecordsNothing()
    {
        await host.CreateWorkflowAsync(Approval("audit-decide-refused", """["playground:grace"]"""));
        var runId = await host.StartRunAsync("audit-decide-refused");
        await host.WaitForRunAsync(runId, "waiting");

        using var click = await host.SendAsync(HttpMethod.Post, "/playground/api/actions", JsonSerializer.Serialize(new { user = "mallory", runId, nodeId = "ok", verb = "approve" }));

        Assert.Equal(HttpStatusCode.OK, click.StatusCode);
        Assert.Empty(await AuditReader.EntriesAsync(host, "approval.decided", runId));
    }

    private static string Approval(string id, string approvers) => """
        {
          "id": "__ID__",
          "nodes": [
            {"id": "play", "type": "trigger", "config": {"kind": "manual"}},
            {"id": "ok", "type": "approval", "config": {"prompt": "Ship it?", "approvers": __APPROVERS__}},
            {"id": "done", "type": "output", "config": {"kind": "end", "value": "shipped"}}
          ],
          "edges": [{"from": "play", "to": "ok"}, {"from": "ok", "port": "approved", "to": "done"}]
        }
        """.Replace("__ID__", id, StringComparison.Ordinal).Replace("__APPROVERS__", approvers, StringComparison.Ordinal);

    // Waits an hour after a chat command: a run that stays cancellable for the whole test.
    private static string Holding(string id, string command) => """
        {
          "id": "__ID__",
          "nodes": [
            {"id": "cmd", "type": "trigger", "config": {"kind": "command", "command": "__COMMAND__"}},
            {"id": "hold", "type": "tool", "config": {"tool": "delay", "duration": "PT1H"}}
          ],
          "edges": [{"from": "cmd", "to": "hold"}]
        }
        """.Replace("__ID__", id, StringComparison.Ordinal).Replace("__COMMAND__", command, StringComparison.Ordinal);
}
