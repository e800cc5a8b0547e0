using System.Net;
using System.Text.Json;

namespace ChatFlows.Bot.Tests.Api;

/// <summary><c>/api/workflows</c> over real HTTP: saving with versions and If-Match, validation, and bad input.</summary>
[Collection(HostCollection.Name)]
[Trait("Host", "shared")]
public sealed class WorkflowsApiTests(HostFixture host)
{
    [Fact]
    public async Task Create_ThenGet_ReturnsDocumentWithVersionAndETag()
    {
        using var created = await host.SendAsync(HttpMethod.Post, "/api/workflows", TestWorkflows.Order("wf-create"));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/api/workflows/wf-create", created.Headers.Location?.OriginalString);
        Assert.Equal("\"1\"", created.Headers.ETag?.Tag);
        var saved = await HostFixture.ReadJsonAsync(created);
        Assert.Equal(1, saved.GetProperty("version").GetInt32());

        using var fetched = await host.Client.GetAsync("/api/workflows/wf-create");
        Assert.Equal(HttpStatusCode.OK, fetched.StatusCode);
        Assert.Equal("\"1\"", fetched.Headers.ETag?.Tag);
        var document = await HostFixture.ReadJsonAsync(fetched);
        Assert.Equal("wf-create", document.GetProperty("id").GetString());
        Assert.Equal("Order check", document.GetProperty("name").GetString());
        Assert.Equal(1, document.GetProperty("version").GetInt32());
        Assert.Equal(["start", "shape", "pause", "big", "answer", "stop"], document.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("id").GetString()));
        Assert.Equal("data.order.total > 100", document.GetProperty("nodes")[3].GetProperty("config").GetProperty("expression").GetString());
        Assert.Equal("true", document.GetProperty("edges")[3].GetProperty("port").GetString());
    }

    [Fact]
    public async Task Put_WithIfMatch_SavesTheNextVersion()
    {
        await host.CreateWorkflowAsync(TestWorkflows.Echo("wf-put"));

        using var quoted = await host.SendAsync(HttpMethod.Put, "/api/workflows/wf-put", TestWorkflows.Echo("wf-put", "second"), ifMatch: "\"1\"");
        Assert.Equal(HttpStatusCode.OK, quoted.StatusCode);
        Assert.Equal("\"2\"", quoted.Headers.ETag?.Tag);
        Assert.Equal(2, (await HostFixture.ReadJsonAsync(quoted)).GetProperty("version").GetInt32());

        // The id may be left out of the body, and If-Match may come without quotes.
        var withoutId = JsonSerializer.Serialize(JsonElement.Parse(TestWorkflows.Echo("wf-put", "third")).EnumerateObject().Where(p => p.Name != "id").ToDictionary(p => p.Name, p => p.Value));
        using var bare = await host.SendAsync(HttpMethod.Put, "/api/workflows/wf-put", withoutId, ifMatch: "2");
        Assert.Equal(HttpStatusCode.OK, bare.StatusCode);

        var document = await host.GetJsonAsync("/api/workflows/wf-put");
        Assert.Equal(3, document.GetProperty("version").GetInt32());
        Assert.Equal("wf-put", document.GetProperty("id").GetString());
        Assert.Equal("third", document.GetProperty("nodes")[1].GetProperty("config").GetProperty("value").GetProperty("label").GetString());
    }

    [Fact]
    public async Task Put_WithStaleIfMatch_Returns409AndKeepsTheStoredDocument()
    {
        await host.CreateWorkflowAsync(TestWorkflows.Echo("wf-stale"));
        using var first = await host.SendAsync(HttpMethod.Put, "/api/workflows/wf-stale", TestWorkflows.Echo("wf-stale", "theirs"), ifMatch: "\"1\"");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);

        using var stale = await host.SendAsync(HttpMethod.Put, "/api/workflows/wf-stale", TestWorkflows.Echo("wf-stale", "mine"), ifMatch: "\"1\"");

        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        var problem = await HostFixture.ReadProblemAsync(stale);
        Assert.Contains("Someone else saved version 2 of workflow 'wf-stale' after version 1 that you edited", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var stored = await host.GetJsonAsync("/api/workflows/wf-stale");
        Assert.Equal(2, stored.GetProperty("version").GetInt32());
        Assert.Equal("theirs", stored.GetProperty("nodes")[1].GetProperty("config").GetProperty("value").GetProperty("label").GetString());
    }

    [Fact]
    public async Task Put_WithoutIfMatch_Returns428SayingToSendIt()
    {
        await host.CreateWorkflowAsync(TestWorkflows.Echo("wf-428"));

        using var response = await host.SendAsync(HttpMethod.Put, "/api/workflows/wf-428", TestWorkflows.Echo("wf-428", "changed"));

        Assert.Equal(HttpStatusCode.PreconditionRequired, response.StatusCode);
        var problem = await HostFixture.ReadProblemAsync(response);
        Assert.Contains("Send If-Match with the version you edited", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, (await host.GetJsonAsync("/api/workflows/wf-428")).GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task Put_WithAnotherIdInTheBody_Returns400NamingId()
    {
        await host.CreateWorkflowAsync(TestWorkflows.Echo("wf-rename"));

        using var response = await host.SendAsync(HttpMethod.Put, "/api/workflows/wf-rename", TestWorkflows.Echo("wf-renamed"), ifMatch: "\"1\"");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await HostFixture.ReadProblemAsync(response)).GetProperty("errors");
        Assert.Equal(["id"], errors.EnumerateObject().Select(e => e.Name));
        Assert.Contains("differs from 'wf-rename' in the URL", errors.GetProperty("id")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_InvalidDocument_Returns400WithEveryProblemByPathAndSavesNothing()
    {
        const string Document = """
            {
              "id": "wf-invalid",
              "nodes": [
                {"id": "daily", "type": "trigger", "config": {"kind": "schedule", "cron": "every morning"}},
                {"id": "shape", "type": "tool", "config": {"tool": "transform", "value": 1}}
              ],
              "edges": [{"from": "daily", "to": "shape"}, {"from": "shape", "to": "ghost"}]
            }
            """;

        using var response = await host.SendAsync(HttpMethod.Post, "/api/workflows", Document);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await HostFixture.ReadProblemAsync(response);
        Assert.Equal("The workflow is not valid.", problem.GetProperty("title").GetString());
        var errors = problem.GetProperty("errors").EnumerateObject().ToDictionary(e => e.Name, e => e.Value.EnumerateArray().Select(m => m.GetString()).ToArray());
        Assert.Equal(
            new Dictionary<string, string?[]>
            {
                ["nodes/daily/config/cron"] = ["'every morning' is not a valid cron expression: it has 2 fields; write five (minute hour day month weekday), e.g. \"0 9 * * MON-FRI\"."],
                ["edges/1/to"] = ["No node has the id 'ghost'."],
            },
            errors);
        using var missing = await host.Client.GetAsync("/api/workflows/wf-invalid");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Put_NodeNames_AreKeptThroughSaveGetAndTheNextVersion()
    {
        const string Document = """
            {"id": "wf-named", "nodes": [
              {"id": "go", "name": "Start by hand", "type": "trigger", "config": {"kind": "manual"}},
              {"id": "shape", "name": "Shape the order", "type": "tool", "config": {"tool": "transform", "value": 1}}],
             "edges": [{"from": "go", "to": "shape"}]}
            """;
        using var created = await host.SendAsync(HttpMethod.Post, "/api/workflows", Document);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        using var renamed = await host.SendAsync(HttpMethod.Put, "/api/workflows/wf-named", Document.Replace("Shape the order", "Tidy the order", StringComparison.Ordinal), ifMatch: "\"1\"");
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);

        var nodes = (await host.GetJsonAsync("/api/workflows/wf-named")).GetProperty("nodes");
        Assert.Equal(["Start by hand", "Tidy the order"], nodes.EnumerateArray().Select(n => n.GetProperty("name").GetString()));
        Assert.Equal(["go", "shape"], nodes.EnumerateArray().Select(n => n.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task Create_BadNodeName_Returns400NamingTheNodesNameField()
    {
        const string Document = """
            {"id": "wf-bad-name", "nodes": [
              {"id": "go", "type": "trigger", "config": {"kind": "manual"}},
              {"id": "shape", "name": "Shape\nthe order", "type": "tool", "config": {"tool": "transform", "value": 1}}],
             "edges": [{"from": "go", "to": "shape"}]}
            """;

        using var response = await host.SendAsync(HttpMethod.Post, "/api/workflows", Document);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await HostFixture.ReadProblemAsync(response)).GetProperty("errors");
        Assert.Equal("The name must be one line, without line breaks or control characters.", errors.GetProperty("nodes/shape/name")[0].GetString());
    }

    [Fact]
    public async Task Create_MalformedJson_Returns400NamingThePosition()
    {
        using var response = await host.SendAsync(HttpMethod.Post, "/api/workflows", "{\n  \"id\": \"wf-bad-json\",\n  \"nodes\": [}\n}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var detail = (await HostFixture.ReadProblemAsync(response)).GetProperty("detail").GetString();
        Assert.StartsWith("not valid JSON at line 3, column 13:", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_WrongShape_Returns400NamingThePath()
    {
        using var response = await host.SendAsync(HttpMethod.Post, "/api/workflows", """{"id": "wf-shape", "nodes": [{"id": "a", "type": 3}]}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("nodes/0/type must be a string, not the number 3.", (await HostFixture.ReadProblemAsync(response)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Create_ExistingId_Returns409()
    {
        await host.CreateWorkflowAsync(TestWorkflows.Echo("wf-twice"));

        using var response = await host.SendAsync(HttpMethod.Post, "/api/workflows", TestWorkflows.Echo("wf-twice", "other"));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("already exists", (await HostFixture.ReadProblemAsync(response)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, (await host.GetJsonAsync("/api/workflows/wf-twice")).GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task Create_DocumentOverOneMebibyte_Returns413()
    {
        var huge = TestWorkflows.Echo("wf-huge", new string('x', 1024 * 1024));

        using var response = await host.SendAsync(HttpMethod.Post, "/api/workflows", huge);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        using var missing = await host.Client.GetAsync("/api/workflows/wf-huge");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Delete_WithStaleVersion_Returns409_ThenDeletes()
    {
        await host.CreateWorkflowAsync(TestWorkflows.Echo("wf-delete"));
        using var saved = await host.SendAsync(HttpMethod.Put, "/api/workflows/wf-delete", TestWorkflows.Echo("wf-delete", "v2"), ifMatch: "1");
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);

        using var stale = await host.SendAsync(HttpMethod.Delete, "/api/workflows/wf-delete", ifMatch: "\"1\"");
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Equal(2, (await host.GetJsonAsync("/api/workflows/wf-delete")).GetProperty("version").GetInt32());

        using var deleted = await host.SendAsync(HttpMethod.Delete, "/api/workflows/wf-delete", ifMatch: "\"2\"");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using var gone = await host.Client.GetAsync("/api/workflows/wf-delete");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        using var again = await host.SendAsync(HttpMethod.Delete, "/api/workflows/wf-delete");
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
    }

    [Fact]
    public async Task List_ShowsEachWorkflowWithVersionAndTriggers()
    {
        await host.CreateWorkflowAsync(TestWorkflows.Order("wf-list"));

        var list = await host.GetJsonAsync("/api/workflows");

        var item = list.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("id").GetString() == "wf-list");
        Assert.Equal("Order check", item.GetProperty("name").GetString());
        Assert.Equal(1, item.GetProperty("version").GetInt32());
        Assert.True(item.GetProperty("updatedAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-5));
        var trigger = Assert.Single(item.GetProperty("triggers").EnumerateArray());
        Assert.Equal("start", trigger.GetProperty("id").GetString());
        Assert.Equal("manual", trigger.GetProperty("kind").GetString());
    }

    [Fact]
    public async Task List_ShowsTheNextScheduledTimeAndTheLastRun()
    {
        await host.CreateWorkflowAsync("""
            {
              "id": "wf-list-schedule",
              "name": "New year",
              "nodes": [
                {"id": "midnight", "type": "trigger", "config": {"kind": "schedule", "cron": "0 0 1 1 *", "timeZone": "Europe/Berlin"}},
                {"id": "play", "type": "trigger", "config": {"kind": "manual"}},
                {"id": "done", "type": "output", "config": {"kind": "end"}}
              ],
              "edges": [{"from": "midnight", "to": "done"}, {"from": "play", "to": "done"}]
            }
            """);

        var before = Item(await host.GetJsonAsync("/api/workflows"), "wf-list-schedule");

        Assert.Equal(JsonValueKind.Null, before.GetProperty("lastRun").ValueKind);
        var next = before.GetProperty("nextRunAt").GetDateTimeOffset();
        var berlin = TimeZoneInfo.ConvertTime(next, TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin"));
        Assert.Equal((1, 1, 0, 0), (berlin.Month, berlin.Day, berlin.Hour, berlin.Minute));
        Assert.InRange(next, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(366));
        var triggers = before.GetProperty("triggers").EnumerateArray().ToArray();
        Assert.Equal("0 0 1 1 *", triggers[0].GetProperty("cron").GetString());
        Assert.Equal("Europe/Berlin", triggers[0].GetProperty("timeZone").GetString());
        Assert.Equal(next, triggers[0].GetProperty("nextFireAt").GetDateTimeOffset());
        Assert.False(triggers[1].TryGetProperty("nextFireAt", out _));

        var runId = await host.StartRunAsync("wf-list-schedule");
        await host.WaitForRunAsync(runId);
        var after = Item(await host.GetJsonAsync("/api/workflows"), "wf-list-schedule");

        var last = after.GetProperty("lastRun");
        Assert.Equal(runId, last.GetProperty("id").GetString());
        Assert.Equal("succeeded", last.GetProperty("status").GetString());
        Assert.True(last.GetProperty("finishedAt").GetDateTimeOffset() >= last.GetProperty("createdAt").GetDateTimeOffset());

        static JsonElement Item(JsonElement list, string id) => list.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("id").GetString() == id);
    }

    [Fact]
    public async Task Create_AfterDelete_ContinuesVersionsAndRunsTheNewDocument()
    {
        await host.CreateWorkflowAsync(TestWorkflows.Echo("wf-reborn", "old"));
        var oldRun = await host.WaitForRunAsync(await host.StartRunAsync("wf-reborn"));
        using var deleted = await host.SendAsync(HttpMethod.Delete, "/api/workflows/wf-reborn");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);

        var reborn = await host.CreateWorkflowAsync(TestWorkflows.Echo("wf-reborn", "new"));
        var newRun = await host.WaitForRunAsync(await host.StartRunAsync("wf-reborn"));

        Assert.Equal(2, reborn.GetProperty("version").GetInt32());
        Assert.Equal(2, newRun.GetProperty("workflowVersion").GetInt32());
        Assert.Equal("new", newRun.GetProperty("data").GetProperty("echo").GetProperty("label").GetString());
        // The old run still shows the version it ran.
        var old = await host.GetJsonAsync($"/api/runs/{oldRun.GetProperty("id").GetString()}");
        Assert.Equal(1, old.GetProperty("workflowVersion").GetInt32());
        Assert.Equal("old", old.GetProperty("data").GetProperty("echo").GetProperty("label").GetString());
    }
}
