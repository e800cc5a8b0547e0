using System.Net;
using System.Text.Json;
using ChatFlows.Bot.Tests.Audit;

namespace ChatFlows.Bot.Tests.Workspaces;

/// <summary>
/// Workspace settings and tool permissions over real HTTP (README §Workspaces and roles): creating a workspace, its
/// settings validated field by field, workflows refused with the path and the rule, the rule held at run time, and
/// chat channels bound to workspaces.
/// </summary>
[Collection(HostCollection.Name)]
[Trait("Host", "shared")]
public sealed class WorkspacePolicyTests(HostFixture host)
{
    [Fact]
    public async Task CreateWorkspace_ThenSettings_ReturnsItOpenAndAuditsIt()
    {
        using var created = await host.SendAsync(HttpMethod.Post, "/api/workspaces", """{"id": "pol-create", "name": "Policy create"}""");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/api/w/pol-create/settings", created.Headers.Location?.OriginalString);
        var settings = await host.GetJsonAsync("/api/w/pol-create/settings");
        Assert.Equal("Policy create", settings.GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Null, settings.GetProperty("policy").GetProperty("httpHosts").ValueKind);
        var entry = await AuditReader.SingleAsync(host, "workspace.created", "pol-create");
        Assert.Equal("workspace.created", AuditReader.Who(entry).Action);
    }

    [Fact]
    public async Task CreateWorkspace_BadOrTakenId_Returns400NamingIdOr409()
    {
        using var bad = await host.SendAsync(HttpMethod.Post, "/api/workspaces", """{"id": "Not OK", "name": "x"}""");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("is not a workspace id", (await HostFixture.ReadProblemAsync(bad)).GetProperty("errors").GetProperty("id")[0].GetString(), StringComparison.Ordinal);

        await CreateAsync("pol-taken");
        using var taken = await host.SendAsync(HttpMethod.Post, "/api/workspaces", """{"id": "pol-taken", "name": "again"}""");
        Assert.Equal(HttpStatusCode.Conflict, taken.StatusCode);
    }

    [Fact]
    public async Task PutSettings_BadEntries_Returns400NamingEachField()
    {
        await CreateAsync("pol-bad");

        using var response = await host.SendAsync(HttpMethod.Put, "/api/w/pol-bad/settings", """
            {"name": "", "policy": {"nodeKinds": ["tool/nope"], "httpHosts": ["api.ok.example", "https://x/"], "colours": []}, "channels": ["slack:lower"]}
            """);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await HostFixture.ReadProblemAsync(response)).GetProperty("errors");
        Assert.Equal(["channels/0", "name", "policy/colours", "policy/httpHosts/1", "policy/nodeKinds/0"], errors.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Contains("is not a host name", errors.GetProperty("policy/httpHosts/1")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PutSettings_Valid_SavesAndAuditsTheChange()
    {
        await CreateAsync("pol-change");

        await PutSettingsAsync("pol-change", """{"name": "HR", "policy": {"httpHosts": ["api.hr.example"]}, "channels": ["playground:#pol-change-room"]}""");

        var settings = await host.GetJsonAsync("/api/w/pol-change/settings");
        Assert.Equal(["api.hr.example"], settings.GetProperty("policy").GetProperty("httpHosts").EnumerateArray().Select(h => h.GetString()));
        Assert.Equal(["playground:pol-change-room"], settings.GetProperty("channels").EnumerateArray().Select(h => h.GetString()));
        // The change is the workspace's own: its log is read in the workspace.
        var entry = Assert.Single((await host.GetJsonAsync("/api/w/pol-change/audit?action=workspace.changed&target=pol-change")).GetProperty("items").EnumerateArray());
        Assert.Contains("httpHosts: api.hr.example", entry.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"tool": "http", "url": "https://evil.example/x"}""", "nodes/call/config/url", "workspace 'pol-rules' allows HTTP calls only to api.hr.example, *.corp.example")]
    [InlineData("""{"tool": "http", "url": "https://{{ trigger.host }}/x"}""", "nodes/call/config/url", "cannot be known before the run")]
    [InlineData("""{"tool": "delay", "duration": "PT1S"}""", "nodes/call/config/tool", "'tool/delay' nodes may not be used: workspace 'pol-rules' allows only")]
    [InlineData("""{"tool": "sql", "connection": "orders-db", "sql": "select 1"}""", "nodes/call/config/connection", "Connection 'orders-db' may not be used: workspace 'pol-rules' allows only no connections")]
    public async Task SaveWorkflow_UseTheWorkspaceDoesNotAllow_Returns400WithPathAndRule(string config, string path, string rule)
    {
        await CreateAsync("pol-rules");
        await PutSettingsAsync("pol-rules", """
            {"name": "Rules", "policy": {"nodeKinds": ["trigger/manual", "tool/http", "tool/sql", "output/end"], "httpHosts": ["api.hr.example", "*.corp.example"], "connections": []}}
            """);

        using var response = await host.SendAsync(HttpMethod.Post, "/api/w/pol-rules/workflows", Workflow($"pol-rule-{Math.Abs(path.GetHashCode() ^ config.GetHashCode())}", config));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await HostFixture.ReadProblemAsync(response)).GetProperty("errors");
        Assert.True(errors.TryGetProperty(path, out var messages), errors.ToString());
        Assert.Contains(rule, string.Join(" ", messages.EnumerateArray().Select(m => m.GetString())), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SaveWorkflow_HostUnderAllowedSuffix_IsSaved()
    {
        await CreateAsync("pol-suffix");
        await PutSettingsAsync("pol-suffix", """{"name": "Suffix", "policy": {"httpHosts": ["*.corp.example"]}}""");

        using var response = await host.SendAsync(HttpMethod.Post, "/api/w/pol-suffix/workflows", Workflow("pol-suffix-wf", """{"tool": "http", "url": "https://api.corp.example/{{ trigger.path }}"}"""));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task SaveAgent_ToolNotAllowed_Returns400AtItsEntryWithTheRule()
    {
        await CreateAsync("pol-agent");
        await PutSettingsAsync("pol-agent", """{"name": "Agent", "policy": {"tools": ["current_time"]}}""");

        using var response = await host.SendAsync(HttpMethod.Post, "/api/w/pol-agent/agents", """{"id": "pol-agent-a", "name": "A", "tools": ["current_time", "http_get"]}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var message = (await HostFixture.ReadProblemAsync(response)).GetProperty("errors").GetProperty("tools/1")[0].GetString();
        Assert.Equal("Tool 'http_get' may not be used: workspace 'pol-agent' allows only current_time. An admin of 'pol-agent' can allow it in the workspace's settings.", message);
    }

    [Fact]
    public async Task Run_TemplatedUrlRenderedToAHostNotAllowed_FailsTheNodeWithTheRule()
    {
        await CreateAsync("pol-run");
        await host.StoreUncheckedAsync("pol-run-wf", Workflow("pol-run-wf", """{"tool": "http", "url": "http://{{ trigger.host }}/x"}""", workspace: "pol-run"));
        // Saved while everything was allowed; the policy tightened since must stop it too.
        await PutSettingsAsync("pol-run", """{"name": "Run", "policy": {"httpHosts": ["api.hr.example"]}}""");

        using var started = await host.SendAsync(HttpMethod.Post, "/api/w/pol-run/workflows/pol-run-wf/runs", """{"host": "127.0.0.1"}""");
        Assert.True(started.StatusCode == HttpStatusCode.Accepted, $"{(int)started.StatusCode} {await started.Content.ReadAsStringAsync()}");
        var runId = (await HostFixture.ReadJsonAsync(started)).GetProperty("runId").GetString();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        JsonElement run;
        while ((run = await host.GetJsonAsync($"/api/w/pol-run/runs/{runId}")).GetProperty("status").GetString() is "queued" or "running")
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"Run {runId} did not end.");
            await Task.Delay(50);
        }

        Assert.Equal("failed", run.GetProperty("status").GetString());
        var error = run.GetProperty("error").GetProperty("message").GetString();
        Assert.Contains("'127.0.0.1' may not be called: workspace 'pol-run' allows HTTP calls only to api.hr.example", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Playground_ChannelBoundToAWorkspace_SeesOnlyItsWorkflows()
    {
        await CreateAsync("pol-chat");
        await host.StoreUncheckedAsync("pol-chat-wf", Workflow("pol-chat-wf", """{"tool": "transform", "value": 1}""", workspace: "pol-chat"));
        await host.CreateWorkflowAsync(TestWorkflows.Echo("pol-chat-default"));
        await PutSettingsAsync("pol-chat", """{"name": "Chat", "channels": ["playground:#pol-chat-room"]}""");
        using (var granted = await host.SendAsync(HttpMethod.Put, "/api/w/pol-chat/members/playground:root", """{"role": "runner"}"""))
        {
            Assert.True(granted.IsSuccessStatusCode, $"{(int)granted.StatusCode} {await granted.Content.ReadAsStringAsync()}");
        }

        var bound = (await host.ChatAsync("pol-chat-room", "root", "/run list")).GetProperty("text").GetString();
        var unbound = (await host.ChatAsync("pol-chat-other", "root", "/run list")).GetProperty("text").GetString();
        var startOther = (await host.ChatAsync("pol-chat-room", "root", "/run pol-chat-default")).GetProperty("text").GetString();

        Assert.True(bound!.Contains("pol-chat-wf", StringComparison.Ordinal), bound);
        Assert.DoesNotContain("pol-chat-default", bound, StringComparison.Ordinal);
        Assert.Contains("pol-chat-default", unbound, StringComparison.Ordinal);
        Assert.DoesNotContain("pol-chat-wf", unbound, StringComparison.Ordinal);
        Assert.StartsWith("There is no workflow `pol-chat-default`.", startOther, StringComparison.Ordinal);
    }

    private async Task CreateAsync(string id)
    {
        using var response = await host.SendAsync(HttpMethod.Post, "/api/workspaces", JsonSerializer.Serialize(new { id, name = id }));
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private async Task PutSettingsAsync(string workspace, string json)
    {
        using var response = await host.SendAsync(HttpMethod.Put, $"/api/w/{workspace}/settings", json);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private static string Workflow(string id, string callConfig, string? workspace = null) => """
        {
          "id": "__ID__",
          __WORKSPACE__
          "nodes": [
            {"id": "play", "type": "trigger", "config": {"kind": "manual"}},
            {"id": "call", "type": "tool", "config": __CALL__},
            {"id": "done", "type": "output", "config": {"kind": "end", "value": "ok"}}
          ],
          "edges": [{"from": "play", "to": "call"}, {"from": "call", "to": "done"}]
        }
        """.Replace("__ID__", id, StringComparison.Ordinal)
        .Replace("__WORKSPACE__", workspace is null ? "" : $"\"workspace\": \"{workspace}\",", StringComparison.Ordinal)
        .Replace("__CALL__", callConfig, StringComparison.Ordinal);
}
