using System.Diagnostics;
using System.Net;
using System.Text.Json;
using ChatFlows.Bot.Tests.Cards;

namespace ChatFlows.Bot.Tests.Playground;

/// <summary>
/// An approval that requires a comment to reject (README §Approvals), decided from its Playground card: the card says
/// so on its comment field, a click without one is answered with the reason and changes nothing.
/// </summary>
[Collection(HostCollection.Name)]
[Trait("Host", "shared")]
public sealed class PlaygroundApprovalCommentTests(HostFixture host)
{
    [Fact]
    public async Task Reject_WithoutTheRequiredComment_IsAnsweredWithTheReasonAndTheCardStaysOpen()
    {
        await host.CreateWorkflowAsync("""
            {"id": "pg-comment", "name": "Comment gate", "version": 1, "nodes": [
              {"id": "cmd", "type": "trigger", "config": {"kind": "command", "command": "pg-comment"}},
              {"id": "ask", "type": "approval", "config": {"prompt": "Release the hotfix?", "approvers": ["playground:ada"], "requireComment": "reject"}},
              {"id": "done", "type": "output", "config": {"kind": "end", "value": "released"}},
              {"id": "held", "type": "output", "config": {"kind": "end", "value": "held"}}
            ], "edges": [{"from": "cmd", "to": "ask"}, {"from": "ask", "port": "approved", "to": "done"}, {"from": "ask", "port": "rejected", "to": "held"}]}
            """);
        var runId = (await host.ChatAsync("pg-comment", "ada", "/run pg-comment")).GetProperty("runId").GetString()!;
        await host.WaitForRunAsync(runId, "waiting");
        var card = await ApprovalCardAsync(runId, texts => texts.Contains("Approval needed"));
        Assert.Equal("Comment (required to reject)", CardQuery.OfType(card, "Input.Text").Single(i => i.GetProperty("id").GetString() == "comment").GetProperty("label").GetString());
        Assert.Contains("💬 A comment is required to reject.", CardQuery.Texts(card));

        var refused = await ActAsync(runId, "reject", comment: "   ");
        Assert.False(refused.GetProperty("accepted").GetBoolean());
        Assert.Contains("needs a comment", refused.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("waiting", (await host.GetJsonAsync($"/api/runs/{runId}")).GetProperty("status").GetString());

        var rejected = await ActAsync(runId, "reject", comment: "Tests are red");
        Assert.True(rejected.GetProperty("accepted").GetBoolean(), rejected.ToString());
        var ended = await host.WaitForRunAsync(runId);
        Assert.Equal("succeeded", ended.GetProperty("status").GetString());
        var decided = await ApprovalCardAsync(runId, texts => texts.Contains("Rejected"));
        Assert.Contains("“Tests are red”", CardQuery.Texts(decided));
        Assert.Empty(CardQuery.Actions(decided));
    }

    private async Task<JsonElement> ActAsync(string runId, string verb, string comment)
    {
        using var response = await host.SendAsync(HttpMethod.Post, "/playground/api/actions", JsonSerializer.Serialize(new { user = "ada", runId, nodeId = "ask", verb, comment }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await HostFixture.ReadJsonAsync(response);
    }

    // The run's approval card in its progress card's thread, once it shows what is expected.
    private async Task<JsonElement> ApprovalCardAsync(string runId, Func<IReadOnlyList<string>, bool> shows)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var progress = (await host.GetJsonAsync("/playground/api/channels/pg-comment/messages")).EnumerateArray()
                .LastOrDefault(m => m.GetProperty("runId").ValueKind == JsonValueKind.String && m.GetProperty("runId").GetString() == runId);
            if (progress.ValueKind == JsonValueKind.Object)
            {
                var thread = await host.GetJsonAsync($"/playground/api/messages/{progress.GetProperty("id").GetInt64()}/thread");
                foreach (var reply in thread.GetProperty("replies").EnumerateArray())
                {
                    if (reply.GetProperty("card") is { ValueKind: JsonValueKind.Object } card && CardQuery.Texts(card).ToArray() is var texts
                        && texts.Contains("Release the hotfix?") && shows(texts)) return card;
                }
            }
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"The approval card of run {runId} did not show as expected.");
            await Task.Delay(50);
        }
    }
}
