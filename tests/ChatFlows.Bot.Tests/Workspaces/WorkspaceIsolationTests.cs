using System.Net;
using ChatFlows.Core.Storage;
using ChatFlows.Core.Workspaces;
using Microsoft.Extensions.DependencyInjection;

namespace ChatFlows.Bot.Tests.Workspaces;

/// <summary>
/// Workspaces over real HTTP (README §Workspaces and roles): a workflow, its runs and its approvals, made in one
/// workspace through <c>/api/w/{workspace}/…</c>, cannot be listed, read, changed, started, watched or decided from
/// another one — the answer is the 404 of something that does not exist — and today's paths mean <c>default</c>.
/// </summary>
[Collection(HostCollection.Name)]
[Trait("Host", "shared")]
public sealed class WorkspaceIsolationTests(HostFixture host)
{
    private const string A = "/api/w/iso-a";
    private const string B = "/api/w/iso-b";

    private async Task WorkspacesAsync()
    {
        var store = host.Services.GetRequiredService<IWorkspaceStore>();
        foreach (var id in new[] { "iso-a", "iso-b" })
        {
            if (await store.GetAsync(id) is null) await store.CreateAsync(new Workspace(id, $"Team {id}", WorkspacePolicy.Open, [], DateTimeOffset.UtcNow));
        }
    }

    private async Task<HttpStatusCode> StatusAsync(HttpMethod method, string path, string? json = null, string? ifMatch = null)
    {
        using var response = await host.SendAsync(method, path, json, ifMatch);
        return response.StatusCode;
    }

    private async Task AssertNoSuchAsync(HttpMethod method, string path, string detail, string? json = null, string? ifMatch = null)
    {
        using var response = await host.SendAsync(method, path, json, ifMatch);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{method} {path}: {(int)response.StatusCode} {body}");
        Assert.Contains(detail, body, StringComparison.Ordinal);
        Assert.DoesNotContain("iso-a", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Workflow_CreatedInA_IsListedAndReadOnlyInA()
    {
        await WorkspacesAsync();

        using var created = await host.SendAsync(HttpMethod.Post, $"{A}/workflows", TestWorkflows.Echo("iso-flow").Replace("\"id\": \"iso-flow\"", "\"id\": \"iso-flow\", \"workspace\": \"iso-b\"", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal($"{A}/workflows/iso-flow", created.Headers.Location?.OriginalString);
        Assert.Equal("iso-a", (await HostFixture.ReadJsonAsync(created)).GetProperty("workspace").GetString());
        Assert.Contains("iso-flow", await WorkflowIdsAsync(A));
        Assert.DoesNotContain("iso-flow", await WorkflowIdsAsync(B));
        Assert.DoesNotContain("iso-flow", await WorkflowIdsAsync("/api"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(HttpMethod.Get, $"{A}/workflows/iso-flow"));
    }

    [Fact]
    public async Task Workflow_OfA_AddressedFromBOrDefault_IsNotFoundForEveryEndpoint()
    {
        await WorkspacesAsync();
        using (var created = await host.SendAsync(HttpMethod.Post, $"{A}/workflows", TestWorkflows.Echo("iso-hidden")))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        foreach (var api in new[] { B, "/api", "/api/w/default" })
        {
            const string Detail = "There is no workflow 'iso-hidden'.";
            await AssertNoSuchAsync(HttpMethod.Get, $"{api}/workflows/iso-hidden", Detail);
            await AssertNoSuchAsync(HttpMethod.Put, $"{api}/workflows/iso-hidden", Detail, TestWorkflows.Echo("iso-hidden", "changed"), "\"1\"");
            await AssertNoSuchAsync(HttpMethod.Delete, $"{api}/workflows/iso-hidden", Detail);
            await AssertNoSuchAsync(HttpMethod.Post, $"{api}/workflows/iso-hidden/runs", Detail, "{}");
            await AssertNoSuchAsync(HttpMethod.Get, $"{api}/workflows/iso-hidden/setup", Detail);
            await AssertNoSuchAsync(HttpMethod.Post, $"{api}/workflows/iso-hidden/tests", Detail, "{}");
            await AssertNoSuchAsync(HttpMethod.Post, $"{api}/workflows/iso-hidden/nodes/echo/test", Detail, """{"source": "custom"}""");
        }
        var stored = await host.Services.GetRequiredService<IWorkflowStore>().GetAsync("iso-hidden");
        Assert.Equal((1, "iso-a"), (stored!.Document.Version, stored.Document.Workspace));
    }

    [Fact]
    public async Task CreateWorkflow_IdTakenInAnotherWorkspace_Is409WithoutNamingIt()
    {
        await WorkspacesAsync();
        using (var created = await host.SendAsync(HttpMethod.Post, $"{A}/workflows", TestWorkflows.Echo("iso-taken")))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        using var again = await host.SendAsync(HttpMethod.Post, $"{B}/workflows", TestWorkflows.Echo("iso-taken"));

        var body = await again.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("The id 'iso-taken' is taken; pick another id.", body, StringComparison.Ordinal);
        Assert.DoesNotContain("iso-a", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_OfA_IsListedAndWatchedOnlyInA_AndNotFoundFromB()
    {
        await WorkspacesAsync();
        using (var created = await host.SendAsync(HttpMethod.Post, $"{A}/workflows", TestWorkflows.Waiting("iso-wait")))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }
        using var started = await host.SendAsync(HttpMethod.Post, $"{A}/workflows/iso-wait/runs", "{}");
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var runId = (await HostFixture.ReadJsonAsync(started)).GetProperty("runId").GetString()!;
        Assert.Equal($"{A}/runs/{runId}", started.Headers.Location?.OriginalString);
        await WaitUntilWaitingAsync(runId);

        Assert.Equal("iso-a", (await host.Services.GetRequiredService<IRunStore>().GetAsync(runId))!.Workspace);
        Assert.Contains(runId, await RunIdsAsync(A));
        Assert.DoesNotContain(runId, await RunIdsAsync(B));
        Assert.DoesNotContain(runId, await RunIdsAsync("/api"));
        var detail = $"There is no run '{runId}'.";
        foreach (var api in new[] { B, "/api" })
        {
            await AssertNoSuchAsync(HttpMethod.Get, $"{api}/runs/{runId}", detail);
            await AssertNoSuchAsync(HttpMethod.Get, $"{api}/runs/{runId}/events", detail);
            await AssertNoSuchAsync(HttpMethod.Post, $"{api}/runs/{runId}/cancel", detail);
            await AssertNoSuchAsync(HttpMethod.Post, $"{api}/runs/{runId}/decisions", detail, """{"decision": "approve"}""");
            await AssertNoSuchAsync(HttpMethod.Post, $"{api}/runs/{runId}/replay", detail, """{"fromNode": "hold"}""");
        }
        Assert.Equal("waiting", (await host.GetJsonAsync($"{A}/runs/{runId}")).GetProperty("status").GetString());

        // Its own workspace still watches and cancels it.
        using (var events = await host.Client.GetAsync($"{A}/runs/{runId}/events", HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(HttpStatusCode.OK, events.StatusCode);
            Assert.Equal("text/event-stream", events.Content.Headers.ContentType?.MediaType);
        }
        Assert.Equal(HttpStatusCode.Accepted, await StatusAsync(HttpMethod.Post, $"{A}/runs/{runId}/cancel"));
    }

    [Fact]
    public async Task Approval_OfA_IsInAsInboxOnly_AndCannotBeDelegatedFromB()
    {
        await WorkspacesAsync();
        using (var created = await host.SendAsync(HttpMethod.Post, $"{A}/workflows", Api.ApprovalsApiTests.Workflow("iso-approve", """["local"]""")))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }
        using var started = await host.SendAsync(HttpMethod.Post, $"{A}/workflows/iso-approve/runs", """{"service": "web"}""");
        var runId = (await HostFixture.ReadJsonAsync(started)).GetProperty("runId").GetString()!;
        await WaitUntilWaitingAsync(runId);

        Assert.Contains(runId, await ApprovalRunIdsAsync(A));
        Assert.DoesNotContain(runId, await ApprovalRunIdsAsync(B));
        Assert.DoesNotContain(runId, await ApprovalRunIdsAsync("/api"));
        await AssertNoSuchAsync(HttpMethod.Post, $"{B}/runs/{runId}/approvals/ok/delegate", $"There is no run '{runId}'.", """{"to": "playground:bo"}""");
        await AssertNoSuchAsync(HttpMethod.Post, $"{B}/runs/{runId}/approvals/ok/reassign", $"There is no run '{runId}'.", """{"approvers": ["playground:bo"]}""");

        using var decided = await host.SendAsync(HttpMethod.Post, $"{A}/runs/{runId}/decisions", """{"decision": "approve"}""");
        Assert.Equal(HttpStatusCode.Accepted, decided.StatusCode);
        Assert.Equal("succeeded", (await WaitAsync(runId, A)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task UnknownWorkspace_InTheApiOrPagePath_Is404NamingIt()
    {
        using var api = await host.Client.GetAsync("/api/w/no-such-team/workflows");
        using var page = await host.Client.GetAsync("/w/no-such-team/");

        Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);
        Assert.Contains("There is no workspace 'no-such-team'.", await api.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Contains("There is no workspace 'no-such-team'.", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListWorkspaces_ListsEachWithItsNameAndAddresses()
    {
        await WorkspacesAsync();

        var list = await host.GetJsonAsync("/api/workspaces");

        var items = list.GetProperty("items").EnumerateArray().ToDictionary(i => i.GetProperty("id").GetString()!);
        Assert.Equal("default", list.GetProperty("current").GetString());
        Assert.Equal(("Default", "/api", "/"), (items["default"].GetProperty("name").GetString(), items["default"].GetProperty("api").GetString(), items["default"].GetProperty("page").GetString()));
        Assert.Equal(("Team iso-a", "/api/w/iso-a", "/w/iso-a/"), (items["iso-a"].GetProperty("name").GetString(), items["iso-a"].GetProperty("api").GetString(), items["iso-a"].GetProperty("page").GetString()));
    }

    [Fact]
    public async Task Workflow_SavedThroughTodaysPaths_IsInDefaultAndReachableThroughItsPath()
    {
        await host.CreateWorkflowAsync(TestWorkflows.Echo("iso-default"));

        var read = await host.GetJsonAsync("/api/w/default/workflows/iso-default");

        Assert.False(read.TryGetProperty("workspace", out _), "A workflow of the default workspace reads as before workspaces.");
        Assert.Contains("iso-default", await WorkflowIdsAsync("/api/w/default"));
        Assert.Equal("default", (await host.Services.GetRequiredService<IWorkflowStore>().GetAsync("iso-default"))!.Document.Workspace);
    }

    [Fact]
    public async Task Subworkflow_OfAnotherWorkspaceNotAllowedByThePolicy_FailsTheNodeSayingWhatToDo()
    {
        await WorkspacesAsync();
        var store = host.Services.GetRequiredService<IWorkspaceStore>();
        // Saved while the closed team may call iso-a's workflows; the policy is tightened before the run.
        var allowing = new Workspace("iso-closed", "Closed team", new WorkspacePolicy(Workflows: ["iso-a"]), [], DateTimeOffset.UtcNow);
        if (!await store.CreateAsync(allowing)) await store.UpdateAsync(allowing);
        using (var child = await host.SendAsync(HttpMethod.Post, $"{A}/workflows", TestWorkflows.Echo("iso-sub-child"))) Assert.Equal(HttpStatusCode.Created, child.StatusCode);
        using (var own = await host.SendAsync(HttpMethod.Post, $"{A}/workflows", Caller("iso-sub-own"))) Assert.Equal(HttpStatusCode.Created, own.StatusCode);
        using (var other = await host.SendAsync(HttpMethod.Post, "/api/w/iso-closed/workflows", Caller("iso-sub-other"))) Assert.Equal(HttpStatusCode.Created, other.StatusCode);
        await store.UpdateAsync(allowing with { Policy = new WorkspacePolicy(Workflows: []) });
        using (var refused = await host.SendAsync(HttpMethod.Post, "/api/w/iso-closed/workflows", Caller("iso-sub-refused")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.DoesNotContain("iso-a", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var ownRun = await StartAndWaitAsync(A, "iso-sub-own");
        var otherRun = await StartAndWaitAsync("/api/w/iso-closed", "iso-sub-other");

        Assert.Equal("succeeded", ownRun.GetProperty("status").GetString());
        Assert.Equal("failed", otherRun.GetProperty("status").GetString());
        var error = otherRun.GetProperty("error").GetProperty("message").GetString();
        Assert.Contains("Workflow 'iso-sub-child' belongs to another workspace, whose workflows workspace 'iso-closed' may not call", error, StringComparison.Ordinal);
        Assert.DoesNotContain("iso-a", error, StringComparison.Ordinal);

        static string Caller(string id) => """
            {"id": "__ID__", "nodes": [
              {"id": "play", "type": "trigger", "config": {"kind": "manual"}},
              {"id": "call", "type": "tool", "config": {"tool": "subworkflow", "workflow": "iso-sub-child", "input": {}}}
            ], "edges": [{"from": "play", "to": "call"}]}
            """.Replace("__ID__", id, StringComparison.Ordinal);
    }

    private async Task<System.Text.Json.JsonElement> StartAndWaitAsync(string api, string workflowId)
    {
        using var started = await host.SendAsync(HttpMethod.Post, $"{api}/workflows/{workflowId}/runs", "{}");
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        return await WaitAsync((await HostFixture.ReadJsonAsync(started)).GetProperty("runId").GetString()!, api);
    }

    private async Task<string[]> WorkflowIdsAsync(string api) =>
        [.. (await host.GetJsonAsync($"{api}/workflows")).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!)];

    private async Task<string[]> RunIdsAsync(string api) =>
        [.. (await host.GetJsonAsync($"{api}/runs?limit=500")).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!)];

    private async Task<string[]> ApprovalRunIdsAsync(string api) =>
        [.. (await host.GetJsonAsync($"{api}/approvals?all=true")).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("runId").GetString()!)];

    private async Task WaitUntilWaitingAsync(string runId) => await WaitAsync(runId, A, "waiting");

    private async Task<System.Text.Json.JsonElement> WaitAsync(string runId, string api, params string[] statuses)
    {
        if (statuses.Length == 0) statuses = ["succeeded", "failed", "cancelled", "expired"];
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var run = await host.GetJsonAsync($"{api}/runs/{runId}");
            if (statuses.Contains(run.GetProperty("status").GetString())) return run;
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"Run {runId} is still {run.GetProperty("status").GetString()}.");
            await Task.Delay(50);
        }
    }
}
