using System.Net;
using System.Text.Json;

namespace ChatFlows.Bot.Tests.Api;

/// <summary><c>POST /api/workflows/{id}/tests</c> over the real host: saved and unsaved documents, and bad input.</summary>
[Collection(HostCollection.Name)]
[Trait("Host", "shared")]
public sealed class WorkflowTestsApiTests(HostFixture host)
{
    private static string Workflow(string id, string expectedStatus) => """
        {
          "id": "__ID__",
          "nodes": [
            {"id": "play", "type": "trigger", "config": {"kind": "manual"}},
            {"id": "fetch", "type": "tool", "config": {"tool": "http", "method": "GET", "url": "http://127.0.0.1:1/status"}},
            {"id": "say", "type": "output", "config": {"kind": "message", "channel": "playground:general", "text": "tests-api says status {{ data.fetch.status }}"}}
          ],
          "edges": [{"from": "play", "to": "fetch"}, {"from": "fetch", "to": "say"}],
          "tests": [
            {"name": "says the status", "mocks": {"fetch": {"output": {"status": 200}}},
             "expect": {"status": "succeeded", "outputs": {"say": {"text": "tests-api says status 200", "postedTo": "playground:general"}}}},
            {"name": "expects a healthy fetch", "mocks": {"fetch": {"output": {"status": 503}}},
             "expect": {"outputs": {"fetch": {"status": __STATUS__}}}}
          ]
        }
        """.Replace("__ID__", id, StringComparison.Ordinal).Replace("__STATUS__", expectedStatus, StringComparison.Ordinal);

    [Fact]
    public async Task Tests_SavedWorkflow_AnswersEachResultAndPostsNothing()
    {
        await host.CreateWorkflowAsync(Workflow("tests-api-saved", "200"));

        using var response = await host.SendAsync(HttpMethod.Post, "/api/workflows/tests-api-saved/tests", "{}");

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var body = await HostFixture.ReadJsonAsync(response);
        Assert.Equal(1, body.GetProperty("passed").GetInt32());
        Assert.Equal(1, body.GetProperty("failed").GetInt32());
        var tests = body.GetProperty("tests").EnumerateArray().ToArray();
        Assert.Equal("says the status", tests[0].GetProperty("name").GetString());
        Assert.True(tests[0].GetProperty("passed").GetBoolean());
        Assert.False(tests[1].GetProperty("passed").GetBoolean());
        Assert.Equal(["outputs.fetch.status: expected 200, got 503"], tests[1].GetProperty("mismatches").EnumerateArray().Select(m => m.GetString()));
        var runs = await host.GetJsonAsync("/api/runs?workflow=tests-api-saved");
        Assert.Empty(runs.GetProperty("items").EnumerateArray());
        var channelAfter = await host.GetJsonAsync("/playground/api/channels/general/messages");
        Assert.DoesNotContain("tests-api says", channelAfter.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tests_UnsavedDocumentInTheBody_TestsThatVersion()
    {
        await host.CreateWorkflowAsync(Workflow("tests-api-unsaved", "200"));
        var edited = Workflow("tests-api-unsaved", "503");

        using var response = await host.SendAsync(HttpMethod.Post, "/api/workflows/tests-api-unsaved/tests", $$"""{"document": {{edited}}}""");

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var body = await HostFixture.ReadJsonAsync(response);
        Assert.Equal(2, body.GetProperty("passed").GetInt32());
        Assert.Equal(0, body.GetProperty("failed").GetInt32());
    }

    [Fact]
    public async Task Tests_SeededSample_PassesItsOwnTests()
    {
        using var response = await host.SendAsync(HttpMethod.Post, "/api/workflows/approved-orders/tests");

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var body = await HostFixture.ReadJsonAsync(response);
        Assert.Equal(0, body.GetProperty("failed").GetInt32());
        Assert.True(body.GetProperty("passed").GetInt32() >= 2, body.GetRawText());
    }

    [Theory]
    [InlineData("""{"documnet": {}}""", "documnet", "'documnet' is not known here")]
    [InlineData("""[1]""", "body", "The body must be a JSON object")]
    [InlineData("""{"document": {"id": "other", "nodes": []}}""", "document/id", "The document's id 'other' differs")]
    [InlineData("""{"document": {"nodes": 3}}""", "document", "nodes")]
    [InlineData("""{"document": {"nodes": [{"id": "play", "type": "trigger", "config": {"kind": "manual"}}], "tests": [{"name": "x", "mocks": {"ghost": {"output": 1}}}]}}""", "tests/0/mocks/ghost", "No node has the id 'ghost'")]
    public async Task Tests_BadInput_Answers400NamingTheField(string json, string field, string message)
    {
        using var response = await host.SendAsync(HttpMethod.Post, "/api/workflows/tests-api-bad/tests", json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await HostFixture.ReadProblemAsync(response);
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out var messages), problem.GetRawText());
        Assert.Contains(message, messages[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tests_UnknownWorkflowWithoutADocument_Answers404()
    {
        using var response = await host.SendAsync(HttpMethod.Post, "/api/workflows/tests-api-nowhere/tests", "{}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var problem = await HostFixture.ReadProblemAsync(response);
        Assert.Contains("save it first", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
