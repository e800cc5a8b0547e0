using System.Net;
using System.Text.Json;
using ChatFlows.Core.Workspaces;
using Microsoft.Extensions.DependencyInjection;

namespace ChatFlows.Bot.Tests.Api;

/// <summary>
/// <c>/api/workflows/{id}/versions</c> over real HTTP (README §Workflow history): the version list with authors and
/// summaries, any version, the diff of two versions, restore as a new version (validated, optimistic, audited), the
/// history of a deleted workflow, and versions kept within their workspace.
/// </summary>
[Collection(HostCollection.Name)]
[Trait("Host", "shared")]
public sealed class WorkflowVersionsApiTests(HostFixture host)
{
    /// <summary>Version 1 of a workflow: play → echo (labelled "first") → done.</summary>
    internal static string First(string id) => TestWorkflows.Echo(id, "first");

    /// <summary>Version 2: a node "note" between echo and done.</summary>
    internal static string Second(string id, string label = "first") => """
        {
          "id": "__ID__",
          "nodes": [
            {"id": "play", "type": "trigger", "config": {"kind": "manual"}},
            {"id": "echo", "type": "tool", "config": {"tool": "transform", "value": {"label": "__LABEL__", "got": "{{ trigger }}"}}},
            {"id": "note", "type": "tool", "config": {"tool": "transform", "value": "noted"}},
            {"id": "done", "type": "output", "config": {"kind": "end", "value": "{{ data.echo }}"}}
          ],
          "edges": [{"from": "play", "to": "echo"}, {"from": "echo", "to": "note"}, {"from": "note", "to": "done"}]
        }
        """.Replace("__ID__", id, StringComparison.Ordinal).Replace("__LABEL__", label, StringComparison.Ordinal);

    /// <summary>Version 3: version 2 with echo labelled "third".</summary>
    internal static string Third(string id) => Second(id, "third");

    /// <summary>Saves versions 1, 2 and 3 of <paramref name="id"/> through the API.</summary>
    internal static async Task SaveThreeVersionsAsync(HostFixture host, string id)
    {
        await host.CreateWorkflowAsync(First(id));
        await PutAsync(host, id, Second(id), 1);
        await PutAsync(host, id, Third(id), 2);
    }

    [Fact]
    public async Task ListVersions_ThreeSaves_NewestFirstWithAuthorSummaryAndCurrent()
    {
        await SaveThreeVersionsAsync(host, "hist-list");

        var list = await host.GetJsonAsync("/api/workflows/hist-list/versions");

        Assert.Equal(3, list.GetProperty("current").GetInt32());
        var items = list.GetProperty("items").EnumerateArray().ToArray();
        Assert.Equal([3, 2, 1], items.Select(i => i.GetProperty("version").GetInt32()));
        Assert.All(items, i => Assert.Equal("local", i.GetProperty("savedBy").GetString()));
        Assert.Equal(["1 changed", "+1 node, +2 edges, −1 edge", "created with 3 nodes"], items.Select(i => i.GetProperty("summary").GetString()));
        Assert.Equal([true, false, false], items.Select(i => i.GetProperty("current").GetBoolean()));
        Assert.True(items[0].GetProperty("savedAt").GetDateTimeOffset() >= items[2].GetProperty("savedAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task ListVersions_SeededSample_FirstVersionIsBySamples()
    {
        var list = await host.GetJsonAsync("/api/workflows/standup-digest/versions");

        var first = list.GetProperty("items").EnumerateArray().Last();
        Assert.Equal((1, "samples"), (first.GetProperty("version").GetInt32(), first.GetProperty("savedBy").GetString()));
    }

    [Fact]
    public async Task GetVersion_OldVersion_ReturnsItsDocument()
    {
        await SaveThreeVersionsAsync(host, "hist-get");

        var first = await host.GetJsonAsync("/api/workflows/hist-get/versions/1");

        Assert.Equal(1, first.GetProperty("version").GetInt32());
        Assert.Equal(3, first.GetProperty("nodes").GetArrayLength());
        Assert.Equal("first", first.GetProperty("nodes")[1].GetProperty("config").GetProperty("value").GetProperty("label").GetString());
    }

    [Theory]
    [InlineData("/api/workflows/hist-missing/versions/4", "has no version '4'")]
    [InlineData("/api/workflows/hist-missing/versions/0", "has no version '0'")]
    [InlineData("/api/workflows/hist-missing/versions/two", "has no version 'two'")]
    [InlineData("/api/workflows/hist-missing/versions/1/diff?to=9", "has no version '9'")]
    [InlineData("/api/workflows/hist-never/versions", "There is no workflow 'hist-never'")]
    public async Task Versions_NeverSaved_Are404SayingWhich(string path, string says)
    {
        await EnsureAsync("hist-missing");

        using var response = await host.Client.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains(says, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Diff_OneToThree_ReportsTheAddedNodeTheChangedConfigFieldAndTheEdges()
    {
        await SaveThreeVersionsAsync(host, "hist-diff");

        var diff = await host.GetJsonAsync("/api/workflows/hist-diff/versions/1/diff?to=3");

        Assert.Equal((1, 3, "+1 node, 1 changed, +2 edges, −1 edge"), (diff.GetProperty("from").GetInt32(), diff.GetProperty("to").GetInt32(), diff.GetProperty("summary").GetString()));
        var nodes = diff.GetProperty("nodes");
        Assert.Equal(["note"], nodes.GetProperty("added").EnumerateArray().Select(n => n.GetProperty("id").GetString()));
        Assert.Empty(nodes.GetProperty("removed").EnumerateArray());
        var changed = Assert.Single(nodes.GetProperty("changed").EnumerateArray());
        Assert.Equal("echo", changed.GetProperty("id").GetString());
        var field = Assert.Single(changed.GetProperty("fields").EnumerateArray());
        Assert.Equal(("config/value/label", "changed", "first", "third"),
            (field.GetProperty("path").GetString(), field.GetProperty("change").GetString(), field.GetProperty("old").GetString(), field.GetProperty("new").GetString()));
        Assert.Equal(["echo→note", "note→done"], diff.GetProperty("edges").GetProperty("added").EnumerateArray().Select(Edge));
        Assert.Equal(["echo→done"], diff.GetProperty("edges").GetProperty("removed").EnumerateArray().Select(Edge));
    }

    [Fact]
    public async Task Diff_WithoutTo_ComparesWithTheCurrentVersion()
    {
        await SaveThreeVersionsAsync(host, "hist-diff-current");

        var diff = await host.GetJsonAsync("/api/workflows/hist-diff-current/versions/2/diff");

        Assert.Equal((2, 3, "1 changed"), (diff.GetProperty("from").GetInt32(), diff.GetProperty("to").GetInt32(), diff.GetProperty("summary").GetString()));
    }

    [Theory]
    [InlineData("three")]
    [InlineData("-1")]
    [InlineData("0")]
    public async Task Diff_BadTo_Is400NamingTo(string to)
    {
        await EnsureAsync("hist-bad-to");

        using var response = await host.Client.GetAsync($"/api/workflows/hist-bad-to/versions/1/diff?to={to}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await HostFixture.ReadJsonAsync(response);
        Assert.Contains($"got '{to}'", problem.GetProperty("errors").GetProperty("to")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restore_CurrentIfMatch_SavesANewVersionEqualToTheOldOneAndAuditsIt()
    {
        await SaveThreeVersionsAsync(host, "hist-restore");

        using var response = await host.SendAsync(HttpMethod.Post, "/api/workflows/hist-restore/versions/1/restore", ifMatch: "\"3\"");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("\"4\"", response.Headers.ETag?.Tag);
        Assert.Equal(4, (await HostFixture.ReadJsonAsync(response)).GetProperty("version").GetInt32());
        var current = await host.GetJsonAsync("/api/workflows/hist-restore");
        Assert.Equal(4, current.GetProperty("version").GetInt32());
        var sameAsFirst = await host.GetJsonAsync("/api/workflows/hist-restore/versions/1/diff?to=4");
        Assert.Equal("no changes", sameAsFirst.GetProperty("summary").GetString());
        var list = await host.GetJsonAsync("/api/workflows/hist-restore/versions");
        Assert.Equal(("local", "−1 node, 1 changed, +1 edge, −2 edges"),
            (list.GetProperty("items")[0].GetProperty("savedBy").GetString(), list.GetProperty("items")[0].GetProperty("summary").GetString()));
        var audit = await host.GetJsonAsync("/api/audit?action=workflow.restored&target=hist-restore");
        var entry = Assert.Single(audit.GetProperty("items").EnumerateArray());
        Assert.Equal(("local", "version 1 restored as version 4"), (entry.GetProperty("actor").GetString(), entry.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task Restore_StaleIfMatch_Is409AndSavesNothing()
    {
        await SaveThreeVersionsAsync(host, "hist-stale");

        using var response = await host.SendAsync(HttpMethod.Post, "/api/workflows/hist-stale/versions/1/restore", ifMatch: "\"2\"");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("Someone else saved version 3", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(3, (await host.GetJsonAsync("/api/workflows/hist-stale")).GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task Restore_WithoutIfMatch_Is428NamingTheCurrentVersion()
    {
        await SaveThreeVersionsAsync(host, "hist-no-match");

        using var response = await host.SendAsync(HttpMethod.Post, "/api/workflows/hist-no-match/versions/1/restore");

        Assert.Equal((HttpStatusCode)428, response.StatusCode);
        Assert.Contains("If-Match: \"3\"", (await HostFixture.ReadJsonAsync(response)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(3, (await host.GetJsonAsync("/api/workflows/hist-no-match")).GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task Restore_VersionWhoseCommandIsTakenNow_Is400WithThePathAndSavesNothing()
    {
        await host.CreateWorkflowAsync(Command("hist-cmd", "hist-deploy"));
        await PutAsync(host, "hist-cmd", First("hist-cmd"), 1);
        await host.CreateWorkflowAsync(Command("hist-cmd-other", "hist-deploy"));

        using var response = await host.SendAsync(HttpMethod.Post, "/api/workflows/hist-cmd/versions/1/restore", ifMatch: "\"2\"");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await HostFixture.ReadJsonAsync(response);
        Assert.Contains("hist-cmd-other", problem.GetProperty("errors").GetProperty("nodes/cmd/config/command")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(2, (await host.GetJsonAsync("/api/workflows/hist-cmd")).GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task Versions_DeletedWorkflow_StayReadableAndRestoreCreatesItAgain()
    {
        await SaveThreeVersionsAsync(host, "hist-deleted");
        using (var deleted = await host.SendAsync(HttpMethod.Delete, "/api/workflows/hist-deleted"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        var list = await host.GetJsonAsync("/api/workflows/hist-deleted/versions");
        Assert.Equal(JsonValueKind.Null, list.GetProperty("current").ValueKind);
        Assert.Equal(3, list.GetProperty("items").GetArrayLength());
        Assert.Equal("+1 node, 1 changed, +2 edges, −1 edge", (await host.GetJsonAsync("/api/workflows/hist-deleted/versions/1/diff")).GetProperty("summary").GetString());
        using (var stale = await host.SendAsync(HttpMethod.Post, "/api/workflows/hist-deleted/versions/2/restore", ifMatch: "\"3\""))
        {
            Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
            Assert.Contains("was deleted", await stale.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var restored = await host.SendAsync(HttpMethod.Post, "/api/workflows/hist-deleted/versions/2/restore");

        Assert.Equal(HttpStatusCode.Created, restored.StatusCode);
        var current = await host.GetJsonAsync("/api/workflows/hist-deleted");
        Assert.Equal(4, current.GetProperty("version").GetInt32());
        Assert.Equal("no changes", (await host.GetJsonAsync("/api/workflows/hist-deleted/versions/2/diff?to=4")).GetProperty("summary").GetString());
    }

    [Fact]
    public async Task Versions_OfAnotherWorkspace_Are404AsIfTheyDidNotExist()
    {
        await SaveThreeVersionsAsync(host, "hist-team-a");
        var other = await OtherWorkspaceAsync("hist-team-b");
        using (var created = await host.SendAsync(HttpMethod.Post, $"/api/w/{other}/workflows", First("hist-team-b-flow")))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        foreach (var path in new[]
        {
            $"/api/w/{other}/workflows/hist-team-a/versions", $"/api/w/{other}/workflows/hist-team-a/versions/1",
            $"/api/w/{other}/workflows/hist-team-a/versions/1/diff?to=2", "/api/workflows/hist-team-b-flow/versions",
            "/api/workflows/hist-team-b-flow/versions/1",
        })
        {
            using var response = await host.Client.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{path}: {(int)response.StatusCode}");
        }
        using (var restore = await host.SendAsync(HttpMethod.Post, $"/api/w/{other}/workflows/hist-team-a/versions/1/restore", ifMatch: "\"3\""))
        {
            Assert.Equal(HttpStatusCode.NotFound, restore.StatusCode);
        }
        Assert.Equal(3, (await host.GetJsonAsync("/api/workflows/hist-team-a")).GetProperty("version").GetInt32());
        var own = await host.GetJsonAsync($"/api/w/{other}/workflows/hist-team-b-flow/versions");
        Assert.Equal(1, own.GetProperty("items").GetArrayLength());
    }

    private static string Edge(JsonElement edge) => $"{edge.GetProperty("from").GetString()}→{edge.GetProperty("to").GetString()}";

    private static string Command(string id, string command) => """
        {
          "id": "__ID__",
          "nodes": [
            {"id": "cmd", "type": "trigger", "config": {"kind": "command", "command": "__COMMAND__"}},
            {"id": "done", "type": "output", "config": {"kind": "end"}}
          ],
          "edges": [{"from": "cmd", "to": "done"}]
        }
        """.Replace("__ID__", id, StringComparison.Ordinal).Replace("__COMMAND__", command, StringComparison.Ordinal);

    private static async Task PutAsync(HostFixture host, string id, string json, int version)
    {
        using var response = await host.SendAsync(HttpMethod.Put, $"/api/workflows/{id}", json, $"\"{version}\"");
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private async Task EnsureAsync(string id)
    {
        using var response = await host.Client.GetAsync($"/api/workflows/{id}");
        if (response.StatusCode == HttpStatusCode.NotFound) await host.CreateWorkflowAsync(First(id));
    }

    // A second workspace where this machine's user is admin, as a team's admin would be.
    private async Task<string> OtherWorkspaceAsync(string id)
    {
        var workspaces = host.Services.GetRequiredService<IWorkspaceStore>();
        if (await workspaces.GetAsync(id) is null)
        {
            await workspaces.CreateAsync(new Workspace(id, "Team B", WorkspacePolicy.Open, [], DateTimeOffset.UtcNow));
            await host.Services.GetRequiredService<IWorkspaceGrants>().SetAsync(new WorkspaceGrant(id, Principals.Local, Role.Admin, "system", DateTimeOffset.UtcNow));
        }
        return id;
    }
}
