using System.Net;
using System.Text.Json;

namespace ChatFlows.Bot.Tests.Api;

/// <summary>
/// The approvals API over real HTTP (README §Approvals): the caller's inbox, votes short of a quorum, the comment a
/// policy requires, delegation and an admin's reassignment, each refusal naming its field. The loopback caller is
/// this machine's local user, an admin by default.
/// </summary>
[Collection(HostCollection.Name)]
[Trait("Host", "shared")]
public sealed class ApprovalsApiTests(HostFixture host)
{
    internal static string Workflow(string id, string approvers, string policy = "") => """
        {
          "id": "__ID__",
          "name": "Inbox __ID__",
          "nodes": [
            {"id": "play", "type": "trigger", "config": {"kind": "manual"}},
            {"id": "ok", "type": "approval", "config": {"prompt": "Deploy {{ trigger.service }}?", "approvers": __APPROVERS__, "draft": "Deploying {{ trigger.service }}"__POLICY__}},
            {"id": "yes", "type": "tool", "config": {"tool": "transform", "value": "shipped by {{ data.ok.by }}"}}
          ],
          "edges": [{"from": "play", "to": "ok"}, {"from": "ok", "port": "approved", "to": "yes"}]
        }
        """
        .Replace("__ID__", id, StringComparison.Ordinal)
        .Replace("__APPROVERS__", approvers, StringComparison.Ordinal)
        .Replace("__POLICY__", policy.Length == 0 ? "" : $", {policy}", StringComparison.Ordinal);

    private const string QuorumTwo = """
        "quorum": 2, "remind": "PT10M", "escalate": {"after": "PT30M", "to": ["playground:oncall"], "notify": "playground:oncall"}, "timeout": "PT4H"
        """;

    [Fact]
    public async Task ListApprovals_TwoWaitingForTheCaller_ListsThemOldestFirstWithTheirState()
    {
        await host.CreateWorkflowAsync(Workflow("inbox-list", """["local", "playground:bo"]""", QuorumTwo));
        var first = await WaitingRunAsync("inbox-list", "web");
        var second = await WaitingRunAsync("inbox-list", "api");

        var items = (await host.GetJsonAsync("/api/approvals")).GetProperty("items").EnumerateArray()
            .Where(i => i.GetProperty("workflowId").GetString() == "inbox-list").ToArray();

        Assert.Equal([first, second], items.Select(i => i.GetProperty("runId").GetString()));
        var item = items[0];
        Assert.Equal("ok", item.GetProperty("nodeId").GetString());
        Assert.Equal("Inbox inbox-list", item.GetProperty("workflowName").GetString());
        Assert.Equal("Deploy web?", item.GetProperty("prompt").GetString());
        Assert.Equal("Deploying web", item.GetProperty("draft").GetString());
        Assert.Equal(2, item.GetProperty("required").GetInt32());
        Assert.Equal(0, item.GetProperty("approvals").GetInt32());
        Assert.Equal(2, item.GetProperty("stillNeeded").GetInt32());
        Assert.Equal(["local", "playground:bo"], item.GetProperty("undecided").EnumerateArray().Select(a => a.GetString()));
        var requestedAt = item.GetProperty("requestedAt").GetDateTimeOffset();
        Assert.Equal(requestedAt.AddMinutes(10), item.GetProperty("nextReminderAt").GetDateTimeOffset());
        Assert.Equal(requestedAt.AddMinutes(30), item.GetProperty("escalatesAt").GetDateTimeOffset());
        Assert.Equal(requestedAt.AddHours(4), item.GetProperty("deadline").GetDateTimeOffset());
        Assert.False(item.GetProperty("escalated").GetBoolean());
        Assert.Equal($"/runs/{first}", item.GetProperty("runPage").GetString());
    }

    [Fact]
    public async Task Decide_ShortOfTheQuorum_Returns202CountedAndARepeatedClickCountsNothing()
    {
        await host.CreateWorkflowAsync(Workflow("inbox-counted", """["local", "playground:bo"]""", QuorumTwo));
        var runId = await WaitingRunAsync("inbox-counted", "web");

        using var vote = await DecideAsync(runId, "approve");
        using var again = await DecideAsync(runId, "approve");

        Assert.Equal(HttpStatusCode.Accepted, vote.StatusCode);
        var answer = await HostFixture.ReadJsonAsync(vote);
        Assert.Equal("counted", answer.GetProperty("outcome").GetString());
        Assert.Equal(1, answer.GetProperty("state").GetProperty("approvals").GetInt32());
        Assert.Equal(2, answer.GetProperty("state").GetProperty("required").GetInt32());
        Assert.NotEqual(HttpStatusCode.InternalServerError, again.StatusCode);
        var run = await host.GetJsonAsync($"/api/runs/{runId}");
        Assert.Equal("waiting", run.GetProperty("status").GetString());
        var state = Assert.Single(run.GetProperty("approvals").EnumerateArray());
        Assert.Equal(1, state.GetProperty("approvals").GetInt32());
        Assert.Equal(1, state.GetProperty("stillNeeded").GetInt32());
        Assert.Equal(["playground:bo"], state.GetProperty("undecided").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal("local", Assert.Single(state.GetProperty("votes").EnumerateArray()).GetProperty("by").GetString());
        var vote1 = Assert.Single(state.GetProperty("journal").EnumerateArray(), e => e.GetProperty("kind").GetString() == "vote");
        Assert.Equal("local", vote1.GetProperty("actor").GetString());
    }

    [Fact]
    public async Task Decide_RejectWithoutTheRequiredComment_Returns400NamingCommentAndKeepsWaiting()
    {
        await host.CreateWorkflowAsync(Workflow("inbox-comment", """["local"]""", "\"requireComment\": \"reject\""));
        var runId = await WaitingRunAsync("inbox-comment", "web");

        using var bare = await DecideAsync(runId, "reject");

        Assert.Equal(HttpStatusCode.BadRequest, bare.StatusCode);
        Assert.True((await HostFixture.ReadProblemAsync(bare)).GetProperty("errors").TryGetProperty("comment", out _));
        Assert.Equal("waiting", (await host.GetJsonAsync($"/api/runs/{runId}")).GetProperty("status").GetString());
        using var explained = await DecideAsync(runId, "reject", "not during the freeze");
        Assert.Equal(HttpStatusCode.Accepted, explained.StatusCode);
    }

    [Fact]
    public async Task Delegate_EachRefusalAndTheHandOver_AnswersWithItsStatusAndField()
    {
        await host.CreateWorkflowAsync(Workflow("inbox-delegate", """["local"]"""));
        var runId = await WaitingRunAsync("inbox-delegate", "web");

        await AssertFieldAsync(await PostAsync($"/api/runs/{runId}/approvals/ok/delegate", "{}"), "to");
        await AssertFieldAsync(await PostAsync($"/api/runs/{runId}/approvals/ok/delegate", """{"to": "bo"}"""), "to");
        await AssertFieldAsync(await PostAsync($"/api/runs/{runId}/approvals/ok/delegate", """{"to": "local"}"""), "to");
        await AssertStatusAsync(await PostAsync("/api/runs/no-such-run/approvals/ok/delegate", """{"to": "playground:bo"}"""), HttpStatusCode.NotFound);
        await AssertStatusAsync(await PostAsync($"/api/runs/{runId}/approvals/yes/delegate", """{"to": "playground:bo"}"""), HttpStatusCode.Conflict);

        using var handed = await PostAsync($"/api/runs/{runId}/approvals/ok/delegate", """{"to": "playground:bo"}""");

        Assert.Equal(HttpStatusCode.OK, handed.StatusCode);
        var state = Assert.Single((await host.GetJsonAsync($"/api/runs/{runId}")).GetProperty("approvals").EnumerateArray());
        Assert.Contains("playground:bo", state.GetProperty("approvers").EnumerateArray().Select(a => a.GetString()));
        var delegation = Assert.Single(state.GetProperty("delegations").EnumerateArray());
        Assert.Equal("local", delegation.GetProperty("from").GetString());
        Assert.Equal("playground:bo", delegation.GetProperty("to").GetString());
    }

    [Fact]
    public async Task Reassign_EachRefusalAndTheReassignment_AnswersWithItsStatusAndField()
    {
        await host.CreateWorkflowAsync(Workflow("inbox-reassign", """["playground:zed"]"""));
        var runId = await WaitingRunAsync("inbox-reassign", "web");

        await AssertFieldAsync(await PostAsync($"/api/runs/{runId}/approvals/ok/reassign", """{"approvers": []}"""), "approvers");
        await AssertFieldAsync(await PostAsync($"/api/runs/{runId}/approvals/ok/reassign", """{"approvers": ["playground:bo", "U012"]}"""), "approvers/1");
        await AssertStatusAsync(await PostAsync("/api/runs/no-such-run/approvals/ok/reassign", """{"approvers": ["playground:bo"]}"""), HttpStatusCode.NotFound);
        await AssertStatusAsync(await PostAsync($"/api/runs/{runId}/approvals/yes/reassign", """{"approvers": ["playground:bo"]}"""), HttpStatusCode.Conflict);

        using var reassigned = await PostAsync($"/api/runs/{runId}/approvals/ok/reassign", """{"approvers": ["playground:bo", "local"]}""");

        Assert.Equal(HttpStatusCode.OK, reassigned.StatusCode);
        var state = Assert.Single((await host.GetJsonAsync($"/api/runs/{runId}")).GetProperty("approvals").EnumerateArray());
        Assert.Equal(["playground:bo", "local"], state.GetProperty("approvers").EnumerateArray().Select(a => a.GetString()));
        Assert.Contains(state.GetProperty("journal").EnumerateArray(), e => e.GetProperty("kind").GetString() == "reassignment");
    }

    [Fact]
    public async Task ListApprovals_AllAsAdmin_ListsApprovalsWaitingForOthersToo()
    {
        await host.CreateWorkflowAsync(Workflow("inbox-others", """["playground:zed"]"""));
        var runId = await WaitingRunAsync("inbox-others", "web");

        var mine = await host.GetJsonAsync("/api/approvals");
        var all = await host.GetJsonAsync("/api/approvals?all=true");

        Assert.DoesNotContain(mine.GetProperty("items").EnumerateArray(), i => i.GetProperty("runId").GetString() == runId);
        Assert.True(all.GetProperty("all").GetBoolean());
        Assert.Contains(all.GetProperty("items").EnumerateArray(), i => i.GetProperty("runId").GetString() == runId);
    }

    [Fact]
    public async Task ListApprovals_AllNeitherTrueNorFalse_Returns400NamingAll()
    {
        using var response = await host.Client.GetAsync("/api/approvals?all=yes");

        await AssertFieldAsync(response, "all");
    }

    private async Task<string> WaitingRunAsync(string workflowId, string service)
    {
        var runId = await host.StartRunAsync(workflowId, JsonSerializer.Serialize(new { service }));
        await host.WaitForRunAsync(runId, "waiting");
        return runId;
    }

    private Task<HttpResponseMessage> DecideAsync(string runId, string decision, string? comment = null) =>
        host.SendAsync(HttpMethod.Post, $"/api/runs/{runId}/decisions", JsonSerializer.Serialize(new { decision, comment }));

    private Task<HttpResponseMessage> PostAsync(string path, string body) => host.SendAsync(HttpMethod.Post, path, body);

    internal static async Task AssertFieldAsync(HttpResponseMessage response, string field)
    {
        using (response)
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.True((await HostFixture.ReadProblemAsync(response)).GetProperty("errors").TryGetProperty(field, out _), $"The problem names no '{field}'.");
        }
    }

    internal static async Task AssertStatusAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        using (response)
        {
            Assert.Equal(status, response.StatusCode);
            Assert.False(string.IsNullOrEmpty((await HostFixture.ReadProblemAsync(response)).GetProperty("detail").GetString()));
        }
    }
}
