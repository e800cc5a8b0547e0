using System.Diagnostics;
using System.Net;
using System.Text.Json;
using ChatFlows.Core.Workspaces;

namespace ChatFlows.Bot.Tests.Roles;

/// <summary>
/// Roles in chat and on runs (README §Workspaces and roles), on the real host: a Playground command about a workflow of
/// workspace 'hr' needs the role there (a viewer may not start or cancel, and is told which role and who grants it;
/// <c>/run list</c> shows only what the person may start), and over HTTP a runner cancels only the runs they started.
/// </summary>
[Collection(RolesCollection.Name)]
public sealed class RoleChatAndRunTests(RolesFixture roles)
{
    private static string Holding(string id, string command) => """
        {
          "id": "__ID__",
          "workspace": "hr",
          "nodes": [
            {"id": "cmd", "type": "trigger", "config": {"kind": "command", "command": "__COMMAND__"}},
            {"id": "ok", "type": "approval", "config": {"prompt": "Go on?", "approvers": ["playground:carol"]}},
            {"id": "done", "type": "output", "config": {"kind": "end", "value": "done"}}
          ],
          "edges": [{"from": "cmd", "to": "ok"}, {"from": "ok", "port": "approved", "to": "done"}]
        }
        """.Replace("__ID__", id, StringComparison.Ordinal).Replace("__COMMAND__", command, StringComparison.Ordinal);

    [Fact]
    public async Task RunCommand_ViewerOfTheWorkflowsWorkspace_IsRefusedNamingRunnerAndTheAdmins()
    {
        await CreateAsync(Holding("hr-chat-view", "hr-view"));

        var refused = await ChatAsync(Role.Viewer, "/run hr-view");

        Assert.Equal(
            "You may not run `hr-chat-view`: that needs the runner role in workspace 'hr', and you are a viewer. Ask an admin of 'hr' (email:admin@corp.example) to grant it on the Members page of ChatFlows.",
            refused.GetProperty("text").GetString());
        Assert.Equal(JsonValueKind.Null, refused.GetProperty("runId").ValueKind);
    }

    [Fact]
    public async Task RunCommand_RunnerOfTheWorkflowsWorkspace_StartsIt()
    {
        await CreateAsync(Holding("hr-chat-run", "hr-run"));

        var started = await ChatAsync(Role.Runner, "/run hr-run");

        Assert.StartsWith("Started", started.GetProperty("text").GetString(), StringComparison.Ordinal);
        var run = await GetJsonAsync(roles.As(Role.Viewer), $"/api/w/hr/runs/{started.GetProperty("runId").GetString()}");
        Assert.Equal(RolesFixture.Person(Role.Runner), run.GetProperty("startedBy").GetString());
    }

    [Fact]
    public async Task ListCommand_ViewerAndRunner_ListsTheWorkspacesWorkflowsOnlyToTheRunner()
    {
        await CreateAsync(Holding("hr-chat-list", "hr-list"));

        var asViewer = (await ChatAsync(Role.Viewer, "/run list")).GetProperty("text").GetString()!;
        var asRunner = (await ChatAsync(Role.Runner, "/run list")).GetProperty("text").GetString()!;

        Assert.DoesNotContain("hr-chat-list", asViewer, StringComparison.Ordinal);
        Assert.Contains("`/run hr-chat-list` or `/run hr-list`", asRunner, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CancelCommand_Viewer_IsRefusedNamingRunnerAndTheRunGoesOn()
    {
        await CreateAsync(Holding("hr-chat-cancel", "hr-cancel"));
        var runId = (await ChatAsync(Role.Runner, "/run hr-cancel")).GetProperty("runId").GetString()!;

        var refused = await ChatAsync(Role.Viewer, $"/run cancel {runId}");

        Assert.StartsWith($"You may not cancel run `{runId}`: that needs the runner role in workspace 'hr', and you are a viewer.", refused.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.NotEqual("cancelled", (await GetJsonAsync(roles.As(Role.Viewer), $"/api/w/hr/runs/{runId}")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Cancel_RunnerOnSomeoneElsesRun_Is403NamingEditorAndOnTheirOwn_Cancels()
    {
        await CreateAsync(Holding("hr-http-cancel", "hr-http-cancel"));
        var editors = await StartAsync(Role.Editor, "hr-http-cancel");
        var theirs = await StartAsync(Role.Runner, "hr-http-cancel");

        using var refused = await roles.As(Role.Runner).PostAsync($"/api/w/hr/runs/{editors}/cancel", HostFixture.Json("{}"));
        using var own = await roles.As(Role.Runner).PostAsync($"/api/w/hr/runs/{theirs}/cancel", HostFixture.Json("{}"));
        using var byEditor = await roles.As(Role.Editor).PostAsync($"/api/w/hr/runs/{editors}/cancel", HostFixture.Json("{}"));

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("needs the editor role in workspace 'hr'; you are a runner", (await HostFixture.ReadProblemAsync(refused)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Accepted, own.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, byEditor.StatusCode);
        Assert.Equal("cancelled", (await WaitForAsync(theirs, "cancelled")).GetProperty("status").GetString());
    }

    private async Task CreateAsync(string document)
    {
        using var created = await roles.As(Role.Editor).PostAsync("/api/w/hr/workflows", HostFixture.Json(document));
        Assert.True(created.StatusCode == HttpStatusCode.Created, $"{(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}");
    }

    private async Task<string> StartAsync(Role role, string workflowId)
    {
        using var started = await roles.As(role).PostAsync($"/api/w/hr/workflows/{workflowId}/runs", HostFixture.Json("{}"));
        Assert.True(started.StatusCode == HttpStatusCode.Accepted, $"{(int)started.StatusCode} {await started.Content.ReadAsStringAsync()}");
        var runId = (await HostFixture.ReadJsonAsync(started)).GetProperty("runId").GetString()!;
        await WaitForAsync(runId, "waiting");
        return runId;
    }

    // Signed in, a person speaks in the Playground as themselves (email:…), whose role in 'hr' the grants give.
    private async Task<JsonElement> ChatAsync(Role role, string text)
    {
        var client = roles.As(role);
        using (var channel = await client.PostAsync("/playground/api/channels", HostFixture.Json("""{"name": "hr-roles"}""")))
        {
            Assert.True(channel.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, await channel.Content.ReadAsStringAsync());
        }
        using var posted = await client.PostAsync("/playground/api/channels/hr-roles/messages", HostFixture.Json(JsonSerializer.Serialize(new { text })));
        Assert.True(posted.StatusCode == HttpStatusCode.Created, $"{(int)posted.StatusCode} {await posted.Content.ReadAsStringAsync()}");
        return (await HostFixture.ReadJsonAsync(posted)).GetProperty("reply");
    }

    private static async Task<JsonElement> GetJsonAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await HostFixture.ReadJsonAsync(response);
    }

    private async Task<JsonElement> WaitForAsync(string runId, string status)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var run = await GetJsonAsync(roles.As(Role.Admin), $"/api/w/hr/runs/{runId}");
            if (run.GetProperty("status").GetString() == status) return run;
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"Run {runId} is {run.GetProperty("status").GetString()}, not {status}.");
            await Task.Delay(50);
        }
    }
}
