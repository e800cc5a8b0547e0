using System.Net;
using System.Text.Json;

namespace ChatFlows.Bot.Tests.Playground;

/// <summary>
/// Who may start and cancel runs from chat, through the Playground on the real host: a command trigger's
/// <c>allow</c> list, cancelling by the starter, the workflow's approvers and admins, and command names that start
/// one workflow only.
/// </summary>
[Collection(HostCollection.Name)]
[Trait("Host", "shared")]
public sealed class ChatPermissionTests(HostFixture host)
{
    [Fact]
    public async Task RunCommand_UserNotAllowed_AnswersWhoMayAndStartsNothing()
    {
        await host.CreateWorkflowAsync(Guarded("perm-guarded", "perm-deploy", """{"users": ["playground:ada"], "channels": ["playground:perm-ops"]}"""));

        var refused = await host.ChatAsync("perm-lobby", "mallory", "/run perm-deploy");

        Assert.Equal(
            "You may not run `perm-deploy`: only playground:ada, anyone in playground:perm-ops may. Ask one of them, or someone who can edit `perm-guarded` in the canvas.",
            refused.GetProperty("text").GetString());
        Assert.Equal(JsonValueKind.Null, refused.GetProperty("runId").ValueKind);
        Assert.Empty((await host.GetJsonAsync("/api/runs?workflow=perm-guarded")).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task RunCommand_AllowedUserOrChannel_StartsTheRun()
    {
        await host.CreateWorkflowAsync(Guarded("perm-open", "perm-open-cmd", """{"users": ["playground:ada"], "channels": ["playground:perm-team"]}"""));

        var byUser = await host.ChatAsync("perm-elsewhere", "ada", "/run perm-open-cmd");
        var inChannel = await host.ChatAsync("perm-team", "bob", "/run perm-open-cmd");

        Assert.StartsWith("Started", byUser.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("Started", inChannel.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal("playground:bob", (await host.GetJsonAsync($"/api/runs/{inChannel.GetProperty("runId").GetString()}")).GetProperty("startedBy").GetString());
    }

    [Fact]
    public async Task CancelCommand_BySomeoneElse_IsRefusedSayingWhoMay()
    {
        await host.CreateWorkflowAsync(Holding("perm-hold", "perm-hold-cmd"));
        var started = await host.ChatAsync("perm-cancel", "ada", "/run perm-hold-cmd");
        var runId = started.GetProperty("runId").GetString()!;

        var refused = await host.ChatAsync("perm-cancel", "mallory", $"/run cancel {runId}");

        Assert.Equal(
            $"You may not cancel run `{runId}`: only the person who started it (playground:ada), the workflow's approvers (playground:carol), the ChatFlows admins may. Ask one of them.",
            refused.GetProperty("text").GetString());
        Assert.NotEqual("cancelled", (await host.GetJsonAsync($"/api/runs/{runId}")).GetProperty("status").GetString());
        var byStarter = await host.ChatAsync("perm-cancel", "ada", $"/run cancel {runId}");
        Assert.StartsWith($"Cancelling run `{runId}`", byStarter.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal("cancelled", (await host.WaitForRunAsync(runId)).GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("carol")]
    [InlineData("root")]
    public async Task CancelCommand_ByApproverOrAdmin_CancelsTheRun(string who)
    {
        await host.CreateWorkflowAsync(Holding($"perm-hold-{who}", $"perm-hold-{who}-cmd"));
        var runId = (await host.ChatAsync("perm-cancel-ok", "ada", $"/run perm-hold-{who}-cmd")).GetProperty("runId").GetString()!;

        var reply = await host.ChatAsync("perm-cancel-ok", who, $"/run cancel {runId}");

        Assert.StartsWith($"Cancelling run `{runId}`", reply.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal("cancelled", (await host.WaitForRunAsync(runId)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task SaveWorkflow_CommandUsedByAnotherWorkflow_Returns400NamingFieldAndWorkflow()
    {
        await host.CreateWorkflowAsync(Guarded("perm-first", "perm-shared", """{"users": ["playground:ada"]}"""));

        using var created = await host.SendAsync(HttpMethod.Post, "/api/workflows", Guarded("perm-second", "perm-shared", """{"users": ["playground:ada"]}"""));
        await host.CreateWorkflowAsync(Guarded("perm-third", "perm-own", """{"users": ["playground:ada"]}"""));
        using var updated = await host.SendAsync(HttpMethod.Put, "/api/workflows/perm-third", Guarded("perm-third", "perm-shared", """{"users": ["playground:ada"]}"""), ifMatch: "\"1\"");

        foreach (var response in new[] { created, updated })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var errors = (await HostFixture.ReadProblemAsync(response)).GetProperty("errors");
            Assert.Equal(
                "The command 'perm-shared' is already used by workflow 'perm-first'; pick another name, or change that workflow first.",
                errors.GetProperty("nodes/cmd/config/command")[0].GetString());
        }
        using var missing = await host.Client.GetAsync("/api/workflows/perm-second");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Theory]
    [InlineData("""{"users": ["ada"]}""", "nodes/cmd/config/allow/users/0")]
    [InlineData("""{"channels": ["ops"]}""", "nodes/cmd/config/allow/channels/0")]
    [InlineData("""{"users": "playground:ada"}""", "nodes/cmd/config/allow/users")]
    [InlineData("""{"people": ["playground:ada"]}""", "nodes/cmd/config/allow/people")]
    [InlineData("""{}""", "nodes/cmd/config/allow")]
    [InlineData("""["playground:ada"]""", "nodes/cmd/config/allow")]
    public async Task SaveWorkflow_InvalidAllow_Returns400NamingThePath(string allow, string path)
    {
        using var response = await host.SendAsync(HttpMethod.Post, "/api/workflows", Guarded("perm-invalid", "perm-invalid-cmd", allow));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await HostFixture.ReadProblemAsync(response)).GetProperty("errors");
        Assert.True(errors.TryGetProperty(path, out _), errors.GetRawText());
    }

    private static string Guarded(string id, string command, string allow) => """
        {
          "id": "__ID__",
          "nodes": [
            {"id": "cmd", "type": "trigger", "config": {"kind": "command", "command": "__COMMAND__", "allow": __ALLOW__}},
            {"id": "done", "type": "output", "config": {"kind": "end", "value": "ok"}}
          ],
          "edges": [{"from": "cmd", "to": "done"}]
        }
        """.Replace("__ID__", id, StringComparison.Ordinal).Replace("__COMMAND__", command, StringComparison.Ordinal).Replace("__ALLOW__", allow, StringComparison.Ordinal);

    // Waits an hour, then asks carol to approve: a run that stays cancellable for the whole test.
    private static string Holding(string id, string command) => """
        {
          "id": "__ID__",
          "nodes": [
            {"id": "cmd", "type": "trigger", "config": {"kind": "command", "command": "__COMMAND__"}},
            {"id": "hold", "type": "tool", "config": {"tool": "delay", "duration": "PT1H"}},
            {"id": "ok", "type": "approval", "config": {"prompt": "Go on?", "approvers": ["playground:carol", "anyone"]}}
          ],
          "edges": [{"from": "cmd", "to": "hold"}, {"from": "hold", "to": "ok"}]
        }
        """.Replace("__ID__", id, StringComparison.Ordinal).Replace("__COMMAND__", command, StringComparison.Ordinal);
}
