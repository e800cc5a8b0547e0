using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using ChatFlows.Core.Running;

namespace ChatFlows.Bot.Tests.Cluster;

/// <summary>
/// README §Running several instances, without faults: two real instances on one PostgreSQL database behave as one
/// host whichever of them a request reaches.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed partial class ClusterBasicsTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task TwoInstances_RequestsReachEitherOne_SavesRunsWatchingAndClicksWorkAcross()
    {
        await using var cluster = await TestCluster.StartAsync(2);
        var (a, b) = (cluster["A"], cluster["B"]);
        await TestCluster.CreateWorkflowAsync(a, ClusterWorkflows.Watched);
        await TestCluster.CreateWorkflowAsync(a, ClusterWorkflows.Chat);

        // A run started on B is watched live on A: its events reach A while B executes it.
        var runId = await TestCluster.StartRunAsync(b, "cl-watch");
        var onA = TestCluster.ReadEventsAsync(a, runId, Patience);
        var onB = TestCluster.ReadEventsAsync(b, runId, Patience);
        await Task.WhenAll(onA, onB);
        var executedBy = cluster.Witness.Calls.Last(w => w.Run == runId).Instance;
        var watched = executedBy == "A" ? await onB : await onA;
        Assert.Contains(watched, e => e.Type == RunEventTypes.NodeFinished && e.NodeId == "work");
        Assert.Contains(watched, e => e.Type == RunEventTypes.NodeFinished && e.NodeId == "after");
        Assert.Equal(RunEventTypes.RunFinished, watched[^1].Type);

        // A workflow A has run (its plan cached) and B then saves runs B's version on A.
        Assert.Equal("watched", await AfterOfAsync(a, await TestCluster.StartRunAsync(a, "cl-watch")));
        using (var update = new HttpRequestMessage(HttpMethod.Put, "api/workflows/cl-watch") { Content = HostFixture.Json(ClusterWorkflows.Watched.Replace("\"value\": \"watched\"", "\"value\": \"watched v2\"", StringComparison.Ordinal)) })
        {
            update.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
            using var saved = await b.Client.SendAsync(update);
            Assert.True(saved.IsSuccessStatusCode, $"{(int)saved.StatusCode} {await saved.Content.ReadAsStringAsync()}");
        }
        // Notices between instances take a moment: a run started a little after the save runs the new version.
        var clock = Stopwatch.StartNew();
        string? after;
        do
        {
            after = await AfterOfAsync(a, await TestCluster.StartRunAsync(a, "cl-watch"));
        }
        while (after != "watched v2" && clock.Elapsed < TimeSpan.FromSeconds(3));
        Assert.Equal("watched v2", after);

        // A chat run started through A asks for approval with a button; the click reaches B, which resumes the run.
        using (var ack = await cluster.SlashCommandAsync(a, "clchat", "UDEV00001", ClusterWorkflows.ChatChannel, "cmd-basic"))
        {
            Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
        }
        var told = await cluster.Slack.WaitForAsync(c => c.Method == "response_url" && c.Path.EndsWith("/cmd-basic", StringComparison.Ordinal) && StartedRun().IsMatch(c.Text() ?? ""), Patience);
        var chatRun = StartedRun().Match(told.Text()!).Groups[1].Value;
        var card = await cluster.Slack.WaitForAsync(c => c.Method == "chat.postMessage" && (c.Text() ?? "").StartsWith("Approval needed", StringComparison.Ordinal) && (c.Text() ?? "").Contains(chatRun, StringComparison.Ordinal), Patience);
        var value = card.Blocks.Single(block => block.GetProperty("type").GetString() == "actions").GetProperty("elements").EnumerateArray()
            .Single(e => e.GetProperty("action_id").GetString() == "approval.approve").GetProperty("value").GetString()!;
        using (var click = await cluster.ClickAsync(b, ClusterWorkflows.Approver, ClusterWorkflows.ChatChannel, "approval-ts", "approval.approve", value, "click-basic"))
        {
            Assert.Equal(HttpStatusCode.OK, click.StatusCode);
        }
        var finished = await WaitEndedAsync(a, chatRun);
        Assert.Equal("succeeded", finished.GetProperty("status").GetString());
        Assert.Equal($"slack:{ClusterWorkflows.Approver}", finished.GetProperty("data").GetProperty("ask").GetProperty("by").GetString());
        await cluster.Slack.WaitForAsync(c => c.Method == "chat.postMessage" && c.Text() == $"done {chatRun}", Patience);
        Assert.Single(cluster.Slack.CardsOf(chatRun), k => k.Kind == "progress");
    }

    private static async Task<string?> AfterOfAsync(ClusterMember through, string runId)
    {
        var run = await WaitEndedAsync(through, runId);
        return run.GetProperty("data").TryGetProperty("after", out var after) ? after.GetString() : null;
    }

    private static async Task<JsonElement> WaitEndedAsync(ClusterMember through, string runId)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var run = await TestCluster.GetRunAsync(through, runId);
            if (run.GetProperty("status").GetString() is "succeeded" or "failed" or "cancelled" or "expired") return run;
            Assert.True(clock.Elapsed < Patience, $"Run {runId} is still {run.GetProperty("status").GetString()} after {Patience.TotalSeconds:0} s.");
            await Task.Delay(100);
        }
    }

    [GeneratedRegex("run `([0-9a-f]+)`")]
    private static partial Regex StartedRun();
}
