using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using ChatFlows.Core.Running;
using Microsoft.Extensions.DependencyInjection;

namespace ChatFlows.Bot.Tests.Playground;

/// <summary>
/// Approvals talking to people in the Playground (README §Approvals): reminders in the run's thread and in each
/// person's direct channel (<c>#dm-&lt;name&gt;</c>), <c>/run approvals</c> and <c>/run delegate</c>, over the real host.
/// </summary>
[Collection(HostCollection.Name)]
[Trait("Host", "shared")]
public sealed partial class PlaygroundApprovalNoticeTests(HostFixture host)
{
    private static string Workflow(string id, params string[] approvers) => $$$"""
        {"id": "{{{id}}}", "name": "Deploy {{{id}}}", "version": 1, "nodes": [
          {"id": "cmd", "type": "trigger", "config": {"kind": "command", "command": "{{{id}}}"}},
          {"id": "ask", "type": "approval", "config": {"prompt": "Deploy {{{id}}}?", "approvers": {{{JsonSerializer.Serialize(approvers)}}}}},
          {"id": "done", "type": "output", "config": {"kind": "end", "value": "deployed"}}
        ], "edges": [{"from": "cmd", "to": "ask"}, {"from": "ask", "port": "approved", "to": "done"}]}
        """;

    [Fact]
    public async Task Reminder_InThePlayground_SaysWhoIsNeededInTheThreadAndPutsTheCardInEachPersonsDirectChannel()
    {
        var (runId, rootId) = await StartAsync("pg-remind", "playground:rem-ana", "playground:Rem.Ben");

        await NotifyAsync(runId, "reminder:1", "playground:rem-ana", "playground:Rem.Ben");

        var said = await WaitForAsync(async () => (await ThreadTextsAsync(rootId)).FirstOrDefault(t => t.StartsWith("Reminder:", StringComparison.Ordinal)));
        Assert.Equal("Reminder: this approval still needs 1 of 1 — waiting for @rem-ana, @Rem.Ben.", said);
        var channels = (await host.GetJsonAsync("/playground/api/channels")).EnumerateArray().Select(c => c.GetProperty("name").GetString()).ToArray();
        var card = await WaitForAsync(async () => (await MessagesAsync("dm-rem-ana")).FirstOrDefault(m => m.TryGetProperty("card", out var c) && c.ValueKind == JsonValueKind.Object));
        Assert.Contains("Deploy pg-remind?", card.GetProperty("card").GetRawText(), StringComparison.Ordinal);
        await WaitForAsync(async () => (await MessagesAsync("dm-rem-ben")).FirstOrDefault(m => m.GetProperty("card").ValueKind == JsonValueKind.Object));

        await NotifyAsync(runId, "reminder:2", "playground:rem-ana");
        var text = await WaitForAsync(async () => (await MessagesAsync("dm-rem-ana")).Select(m => m.GetProperty("text").GetString()).FirstOrDefault(t => t is not null));
        Assert.StartsWith("Reminder: “Deploy pg-remind?” (Deploy pg-remind, run `", text, StringComparison.Ordinal);
        Assert.Single(await MessagesAsync("dm-rem-ana"), m => m.GetProperty("card").ValueKind == JsonValueKind.Object);

        // Approve on the card in the direct channel decides the run.
        using var click = await host.SendAsync(HttpMethod.Post, "/playground/api/actions",
            JsonSerializer.Serialize(new { user = "rem-ana", runId, nodeId = "ask", verb = "approve" }));
        Assert.True((await HostFixture.ReadJsonAsync(click)).GetProperty("accepted").GetBoolean());
        await host.WaitForRunAsync(runId, "succeeded");
    }

    [Fact]
    public async Task RunApprovals_InThePlayground_ListsTheRightItemsForTwoPeopleAndNothingForAThird()
    {
        var (first, _) = await StartAsync("pg-inbox-one", "playground:inbox-ana");
        var (second, _) = await StartAsync("pg-inbox-two", "playground:inbox-ana", "playground:inbox-ben");

        var ana = await host.ChatAsync("pg-inbox", "inbox-ana", "/run approvals");
        var text = ana.GetProperty("text").GetString()!;
        Assert.StartsWith("*2 approvals wait for you*, oldest first:", text, StringComparison.Ordinal);
        Assert.True(text.IndexOf(first, StringComparison.Ordinal) < text.IndexOf(second, StringComparison.Ordinal), text);
        Assert.Contains("Deploy pg-inbox-one?", text, StringComparison.Ordinal);
        Assert.Equal(2, ana.GetProperty("cards").GetArrayLength());
        Assert.Contains(first, ana.GetProperty("cards")[0].GetRawText(), StringComparison.Ordinal);

        var ben = await host.ChatAsync("pg-inbox", "inbox-ben", "/run approvals");
        Assert.DoesNotContain(first, ben.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Contains(second, ben.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, ben.GetProperty("cards").GetArrayLength());

        var cy = await host.ChatAsync("pg-inbox", "inbox-cy", "/run approvals");
        Assert.Equal("Nothing waits for you.", cy.GetProperty("text").GetString());
        Assert.Equal(0, cy.GetProperty("cards").GetArrayLength());
    }

    [Fact]
    public async Task RunDelegate_InThePlayground_HandsTheApprovalOverSoTheDelegateDecidesAndTheDelegatorNoLonger()
    {
        var (runId, rootId) = await StartAsync("pg-delegate", "playground:del-ana");

        var answer = await host.ChatAsync("pg-delegate", "del-ana", $"/run delegate {runId} to playground:del-bob");

        Assert.StartsWith("Handed to playground:del-bob by playground:del-ana", answer.GetProperty("text").GetString(), StringComparison.Ordinal);
        var note = await WaitForAsync(async () => (await ThreadTextsAsync(rootId)).FirstOrDefault(t => t.Contains("handed this approval", StringComparison.Ordinal)));
        Assert.Equal("@del-ana handed this approval to @del-bob.", note);
        await WaitForAsync(async () => (await MessagesAsync("dm-del-bob")).FirstOrDefault(m => m.GetProperty("card").ValueKind == JsonValueKind.Object));

        using var byAna = await host.SendAsync(HttpMethod.Post, "/playground/api/actions", JsonSerializer.Serialize(new { user = "del-ana", runId, nodeId = "ask", verb = "approve" }));
        var refused = await HostFixture.ReadJsonAsync(byAna);
        Assert.False(refused.GetProperty("accepted").GetBoolean());
        Assert.Contains("nothing changed", refused.GetProperty("message").GetString(), StringComparison.Ordinal);

        using var byBob = await host.SendAsync(HttpMethod.Post, "/playground/api/actions", JsonSerializer.Serialize(new { user = "del-bob", runId, nodeId = "ask", verb = "approve" }));
        Assert.True((await HostFixture.ReadJsonAsync(byBob)).GetProperty("accepted").GetBoolean());
        var run = await host.WaitForRunAsync(runId, "succeeded");
        Assert.Equal("playground:del-bob", run.GetProperty("data").GetProperty("ask").GetProperty("by").GetString());
    }

    [Fact]
    public async Task RunDelegate_BySomeoneNotAnApprover_IsRefusedAndChangesNothing()
    {
        var (runId, _) = await StartAsync("pg-delegate-no", "playground:deno-ana");

        var answer = await host.ChatAsync("pg-delegate-no", "deno-eve", $"/run delegate {runId} ask to playground:deno-eve2");

        Assert.Contains("may hand this approval on; nothing changed.", answer.GetProperty("text").GetString(), StringComparison.Ordinal);
        var none = await host.ChatAsync("pg-delegate-no", "deno-eve2", "/run approvals");
        Assert.Equal("Nothing waits for you.", none.GetProperty("text").GetString());
    }

    // Starts the workflow with /run in a channel of its own; returns the run and the root of its card's thread.
    private async Task<(string RunId, long RootId)> StartAsync(string id, params string[] approvers)
    {
        await host.CreateWorkflowAsync(Workflow(id, approvers));
        var reply = await host.ChatAsync(id, "starter", $"/run {id}");
        var runId = RunId().Match(reply.GetProperty("text").GetString()!).Groups[1].Value;
        await host.WaitForRunAsync(runId, "waiting");
        var root = await WaitForAsync(async () => (await MessagesAsync(id)).FirstOrDefault(m => m.GetProperty("runId").GetString() == runId));
        // The approval card lands in the thread once the progress card did.
        await WaitForAsync(async () => (await host.GetJsonAsync($"/playground/api/messages/{root.GetProperty("id").GetInt64()}/thread"))
            .GetProperty("replies").EnumerateArray().FirstOrDefault(r => r.GetProperty("card").GetRawText().Contains($"Deploy {id}?", StringComparison.Ordinal)));
        return (runId, root.GetProperty("id").GetInt64());
    }

    private async Task NotifyAsync(string runId, string key, params string[] recipients)
    {
        var approvals = host.Services.GetRequiredService<ChatFlows.Core.Running.Approvals>();
        var state = await approvals.StateAsync(runId, "ask") ?? throw new InvalidOperationException($"Run {runId} does not wait at ask.");
        var entry = new ApprovalEvent(runId, "ask", key, ApprovalEventKinds.Reminder, ApprovalEventKinds.System, DateTimeOffset.UtcNow, JsonSerializer.SerializeToElement(new { }));
        await approvals.NotifyAsync(new ApprovalNotice(entry, state, recipients));
    }

    private async Task<JsonElement[]> MessagesAsync(string channel)
    {
        using var response = await host.SendAsync(HttpMethod.Get, $"/playground/api/channels/{channel}/messages");
        return response.IsSuccessStatusCode ? [.. (await HostFixture.ReadJsonAsync(response)).EnumerateArray()] : [];
    }

    private async Task<string[]> ThreadTextsAsync(long rootId) =>
        [.. (await host.GetJsonAsync($"/playground/api/messages/{rootId}/thread")).GetProperty("replies").EnumerateArray()
            .Select(r => r.GetProperty("text").GetString()).OfType<string>()];

    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> find)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (await find() is { } found && !(found is JsonElement { ValueKind: JsonValueKind.Undefined })) return found;
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), "What the test waits for did not appear within 15 s.");
            await Task.Delay(50);
        }
    }

    [GeneratedRegex("run `([0-9a-f]+)`")]
    private static partial Regex RunId();
}
