using System.Net;
using System.Text.Json;

namespace ChatFlows.Bot.Tests.Api;

/// <summary>Runs over real HTTP: Play, the run detail, history, cancelling and the server-sent events.</summary>
[Collection(HostCollection.Name)]
[Trait("Host", "shared")]
public sealed class RunsApiTests(HostFixture host)
{
    private const string BigOrder = """{"customer": "Ada", "quantity": 3, "price": 50}""";

    // What watching a big order shows, as (event, node) pairs: the false arm is ruled out as soon as the
    // condition has fired, before the true arm starts.
    private static readonly string[] BigOrderEvents =
    [
        "run.started",
        "node.started start", "node.finished start",
        "node.started shape", "node.finished shape",
        "node.started pause", "node.finished pause",
        "node.started big", "node.finished big",
        "node.finished stop",
        "node.started answer", "node.finished answer",
        "run.finished",
    ];

    [Fact]
    public async Task StartRun_ManualWorkflow_SucceedsAndShowsEveryNode()
    {
        await host.CreateWorkflowAsync(TestWorkflows.Order("run-order", pause: "PT0.2S"));

        using var started = await host.SendAsync(HttpMethod.Post, "/api/workflows/run-order/runs", BigOrder);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var runId = (await HostFixture.ReadJsonAsync(started)).GetProperty("runId").GetString();
        Assert.Equal($"/api/runs/{runId}", started.Headers.Location?.OriginalString);
        var run = await host.WaitForRunAsync(runId!);

        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        Assert.Equal("run-order", run.GetProperty("workflowId").GetString());
        Assert.Equal(1, run.GetProperty("workflowVersion").GetInt32());
        Assert.Equal("local", run.GetProperty("startedBy").GetString());
        Assert.Equal("Ada", run.GetProperty("trigger").GetProperty("customer").GetString());
        Assert.Equal(JsonValueKind.Null, run.GetProperty("error").ValueKind);
        Assert.True(run.GetProperty("finishedAt").GetDateTimeOffset() >= run.GetProperty("startedAt").GetDateTimeOffset());
        Assert.Equal(201, run.GetProperty("result").GetProperty("status").GetInt32());

        var nodes = run.GetProperty("nodes").EnumerateArray().ToArray();
        Assert.Equal(["start", "shape", "pause", "big", "answer", "stop"], nodes.Select(n => n.GetProperty("nodeId").GetString()));
        Assert.Equal(["trigger/manual", "tool/transform", "tool/delay", "condition", "output/respond", "output/end"], nodes.Select(n => n.GetProperty("kind").GetString()));
        Assert.Equal(["succeeded", "succeeded", "succeeded", "succeeded", "succeeded", "skipped"], nodes.Select(n => n.GetProperty("status").GetString()));
        Assert.Equal([1, 1, 1, 1, 1, 0], nodes.Select(n => n.GetProperty("attempts").GetInt32()));
        foreach (var node in nodes[..5])
        {
            Assert.Equal(JsonValueKind.String, node.GetProperty("startedAt").ValueKind);
            Assert.Equal(JsonValueKind.String, node.GetProperty("finishedAt").ValueKind);
            Assert.Equal(JsonValueKind.Null, node.GetProperty("error").ValueKind);
        }
        Assert.True(nodes[2].GetProperty("durationMs").GetDouble() >= 190, "The 0.2 s pause takes its time.");
        Assert.Equal(150, nodes[1].GetProperty("output").GetProperty("total").GetInt32());
        Assert.True(nodes[3].GetProperty("output").GetBoolean());
        Assert.Equal("true", nodes[3].GetProperty("port").GetString());
        Assert.Equal(JsonValueKind.Null, nodes[5].GetProperty("startedAt").ValueKind);

        var data = run.GetProperty("data");
        Assert.Equal(150, data.GetProperty("order").GetProperty("total").GetInt32());
        Assert.True(data.GetProperty("big").GetBoolean());
        Assert.Equal("Ada", data.GetProperty("answer").GetProperty("body").GetProperty("customer").GetString());
        Assert.False(data.TryGetProperty("stop", out _), "A skipped node adds nothing to data.");
    }

    [Fact]
    public async Task Events_WatchedLiveAndReplayedLater_TellTheSameStory()
    {
        await host.CreateWorkflowAsync(TestWorkflows.Order("run-watch"));
        var runId = await host.StartRunAsync("run-watch", BigOrder);

        string? statusWhenConnected = null;
        var live = await host.ReadEventsAsync(runId, async () =>
            statusWhenConnected = (await host.GetJsonAsync($"/api/runs/{runId}")).GetProperty("status").GetString());
        var run = await host.WaitForRunAsync(runId);
        var replayed = await host.ReadEventsAsync(runId);

        Assert.Contains(statusWhenConnected, new[] { "queued", "running" });
        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        Assert.Equal(BigOrderEvents, live.Select(e => e.ToString()));
        Assert.Equal(BigOrderEvents, replayed.Select(e => e.ToString()));
        Assert.All(live.Concat(replayed), e => Assert.Equal(runId, e.Data.GetProperty("runId").GetString()));
        var finished = replayed.Single(e => e.Type == "node.finished" && e.NodeId == "shape");
        Assert.Equal("tool/transform", finished.Data.GetProperty("nodeKind").GetString());
        Assert.Equal("succeeded", finished.Data.GetProperty("status").GetString());
        Assert.Equal(150, finished.Data.GetProperty("output").GetProperty("total").GetInt32());
        Assert.Equal("skipped", replayed.Single(e => e.NodeId == "stop").Data.GetProperty("status").GetString());
        Assert.Equal("succeeded", live[^1].Data.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Events_WaitingRun_ReplaysTheWaitThenStreamsTheCancellation()
    {
        await host.CreateWorkflowAsync(TestWorkflows.Waiting("run-watch-wait"));
        var runId = await host.StartRunAsync("run-watch-wait");
        await host.WaitForRunAsync(runId, "waiting");

        var events = await host.ReadEventsAsync(runId, async () =>
        {
            using var cancel = await host.Client.PostAsync($"/api/runs/{runId}/cancel", null);
            Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        });

        Assert.Equal(
            ["run.started", "node.started play", "node.finished play", "node.started hold", "run.waiting hold", "node.failed hold", "run.finished"],
            events.Select(e => e.ToString()));
        Assert.Equal("Cancelled while waiting.", events[^2].Data.GetProperty("error").GetString());
        Assert.Equal("cancelled", events[^1].Data.GetProperty("status").GetString());
    }

    [Fact]
    public async Task StartRun_UnknownWorkflow_Returns404()
    {
        using var response = await host.SendAsync(HttpMethod.Post, "/api/workflows/no-such-flow/runs", "{}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("There is no workflow 'no-such-flow'.", (await HostFixture.ReadProblemAsync(response)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task StartRun_BadPayloads_Return400AndStartNothing()
    {
        await host.CreateWorkflowAsync(TestWorkflows.Echo("run-bad-payload"));

        using var array = await host.SendAsync(HttpMethod.Post, "/api/workflows/run-bad-payload/runs", "[1, 2]");
        using var broken = await host.SendAsync(HttpMethod.Post, "/api/workflows/run-bad-payload/runs", "{\"a\": }");
        using var trigger = await host.SendAsync(HttpMethod.Post, "/api/workflows/run-bad-payload/runs?trigger=nope", "{}");

        Assert.Equal(HttpStatusCode.BadRequest, array.StatusCode);
        Assert.Contains("must be a JSON object", (await HostFixture.ReadProblemAsync(array)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
        Assert.StartsWith("The body is not valid JSON at line 1, column 7:", (await HostFixture.ReadProblemAsync(broken)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, trigger.StatusCode);
        Assert.Equal(
            "Workflow 'run-bad-payload' has no trigger 'nope'; its triggers are play.",
            (await HostFixture.ReadProblemAsync(trigger)).GetProperty("errors").GetProperty("trigger")[0].GetString());
        var runs = await host.GetJsonAsync("/api/runs?workflow=run-bad-payload");
        Assert.Empty(runs.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task StartRun_EmptyBody_RunsWithAnEmptyObject()
    {
        await host.CreateWorkflowAsync(TestWorkflows.Echo("run-empty"));

        using var response = await host.Client.PostAsync("/api/workflows/run-empty/runs?trigger=play", null);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var run = await host.WaitForRunAsync((await HostFixture.ReadJsonAsync(response)).GetProperty("runId").GetString()!);

        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        Assert.Equal("play", run.GetProperty("triggerNodeId").GetString());
        Assert.Equal("{}", run.GetProperty("trigger").GetRawText());
    }

    [Fact]
    public async Task List_FiltersByWorkflowAndStatus_AndPagesWithNext()
    {
        await host.CreateWorkflowAsync(TestWorkflows.Echo("run-list"));
        await host.CreateWorkflowAsync(TestWorkflows.Waiting("run-list-wait"));
        var ids = new List<string>();
        for (var i = 0; i < 3; i++) ids.Add((await host.WaitForRunAsync(await host.StartRunAsync("run-list", $$"""{"n": {{i}}}"""))).GetProperty("id").GetString()!);
        var waiting = await host.StartRunAsync("run-list-wait");
        await host.WaitForRunAsync(waiting, "waiting");
        ids.Reverse();

        var all = await host.GetJsonAsync("/api/runs?workflow=run-list");
        var first = await host.GetJsonAsync("/api/runs?workflow=run-list&limit=2");
        var next = first.GetProperty("next").GetString();
        var second = await host.GetJsonAsync($"/api/runs?workflow=run-list&limit=2&before={next}");
        var succeeded = await host.GetJsonAsync("/api/runs?workflow=run-list&status=succeeded");
        var waitingOnly = await host.GetJsonAsync("/api/runs?workflow=run-list-wait&status=waiting");
        var noneWaiting = await host.GetJsonAsync("/api/runs?workflow=run-list&status=waiting");

        Assert.Equal(ids, Ids(all));
        Assert.Equal(JsonValueKind.Null, all.GetProperty("next").ValueKind);
        Assert.Equal(ids[..2], Ids(first));
        Assert.Equal(ids[2..], Ids(second));
        Assert.Equal(JsonValueKind.Null, second.GetProperty("next").ValueKind);
        Assert.Equal(ids, Ids(succeeded));
        Assert.Equal([waiting], Ids(waitingOnly));
        Assert.Empty(Ids(noneWaiting));
        var item = all.GetProperty("items")[0];
        Assert.Equal("run-list", item.GetProperty("workflowId").GetString());
        Assert.Equal("succeeded", item.GetProperty("status").GetString());
        Assert.Equal("local", item.GetProperty("startedBy").GetString());
    }

    [Fact]
    public async Task List_UnknownStatus_Returns400ListingTheStatuses()
    {
        using var response = await host.Client.GetAsync("/api/runs?status=done");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(
            "'done' is not a run status; use one of queued, running, waiting, succeeded, failed, cancelled, expired.",
            (await HostFixture.ReadProblemAsync(response)).GetProperty("errors").GetProperty("status")[0].GetString());
    }

    [Fact]
    public async Task Cancel_WaitingRun_EndsItCancelled_AndASecondCancelReturns409()
    {
        await host.CreateWorkflowAsync(TestWorkflows.Waiting("run-cancel"));
        var runId = await host.StartRunAsync("run-cancel");
        var waiting = await host.WaitForRunAsync(runId, "waiting");
        Assert.Equal("waiting", waiting.GetProperty("nodes")[1].GetProperty("status").GetString());

        using var cancel = await host.Client.PostAsync($"/api/runs/{runId}/cancel", null);
        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        var run = await host.WaitForRunAsync(runId);
        using var again = await host.Client.PostAsync($"/api/runs/{runId}/cancel", null);

        Assert.Equal("cancelled", run.GetProperty("status").GetString());
        var hold = run.GetProperty("nodes")[1];
        Assert.Equal("failed", hold.GetProperty("status").GetString());
        Assert.Equal("Cancelled while waiting.", hold.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(
            $"Run {runId} has already cancelled; only queued, running and waiting runs can be cancelled.",
            (await HostFixture.ReadProblemAsync(again)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task UnknownRun_Returns404_ForDetailEventsAndCancel()
    {
        using var detail = await host.Client.GetAsync("/api/runs/nope");
        using var events = await host.Client.GetAsync("/api/runs/nope/events");
        using var cancel = await host.Client.PostAsync("/api/runs/nope/cancel", null);

        Assert.Equal(HttpStatusCode.NotFound, detail.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, events.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, cancel.StatusCode);
        Assert.Equal("There is no run 'nope'.", (await HostFixture.ReadProblemAsync(cancel)).GetProperty("detail").GetString());
    }

    private static string[] Ids(JsonElement page) => page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!).ToArray();
}
