using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using ChatFlows.Bot.Tests.Slack;
using ChatFlows.Core.Running;
using ChatFlows.Core.Tests;

namespace ChatFlows.Bot.Tests.Cluster;

/// <summary>
/// README §Running several instances: three real <c>chatflows</c> processes on one PostgreSQL database carry a thousand
/// runs (durable delays, approvals, sub-workflows, messages and progress cards in a fake Slack, a digest every two
/// seconds) while one instance is killed with SIGKILL and another is frozen with SIGSTOP past its lease and then let
/// go on. Nothing is lost and nothing is done twice.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed partial class ClusterChaosTests
{
    // CHATFLOWS_CLUSTER_RUNS overrides the number of runs started (e.g. a quick look with 100).
    private static readonly int RunCount = int.TryParse(Environment.GetEnvironmentVariable("CHATFLOWS_CLUSTER_RUNS"), CultureInfo.InvariantCulture, out var n) && n >= 10 ? n : 1000;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan FinishPatience = TimeSpan.FromSeconds(150);

    private static readonly string[] Ended = ["succeeded", "failed", "cancelled", "expired"];

    private readonly List<string> _timeline = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    [Fact]
    public async Task Cluster_OneInstanceKilledAnotherStoppedPastItsLease_EveryRunEndsOnceAndNothingIsDoneTwice()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        Note("3 instances ready");
        var (a, b, c) = (cluster["A"], cluster["B"], cluster["C"]);
        foreach (var workflow in new[] { ClusterWorkflows.Child, ClusterWorkflows.Flow, ClusterWorkflows.Ask, ClusterWorkflows.Chat, ClusterWorkflows.Watched })
        {
            await TestCluster.CreateWorkflowAsync(a, workflow);
        }
        // The digest is saved on C: A and B learn of it from the database and the notices, and all three race for its ticks.
        await TestCluster.CreateWorkflowAsync(c, ClusterWorkflows.Digest);

        // 1. A thousand runs, started through the three instances in turn: 10 % from Slack, 30 % waiting for an approval,
        //    the rest a parked delay and a sub-workflow.
        var started = await StartRunsAsync(cluster);
        var flows = started.Where(s => s.Workflow == "cl-flow").Select(s => s.RunId).ToArray();
        var asks = started.Where(s => s.Workflow == "cl-ask").Select(s => s.RunId).ToArray();
        var chats = started.Where(s => s.Workflow == "cl-chat").Select(s => s.RunId).ToArray();
        Note($"{started.Count} runs started ({flows.Length} flows, {asks.Length} asks, {chats.Length} chats)");

        // 2. SIGKILL C in the middle of a call it makes for a run.
        var cBusy = await WaitUntilAsync(() => cluster.Witness.InFlight("C").Count > 0, Patience);
        await c.KillAsync();
        var killedAt = DateTimeOffset.UtcNow;
        Note($"C killed ({(cBusy ? "in the middle of a call" : "idle")})");

        // 3. SIGSTOP B in the middle of a call, and keep it stopped until another instance has taken over a run B was
        //    executing: B's lease has then run out, and every answer the witness gives B meanwhile arrives while it is
        //    frozen, so B can only act on it after it lost the run.
        //    The witness holds B's answers until B is stopped, so that they arrive while it is frozen however long the
        //    stop itself takes on a busy machine.
        var held = cluster.Witness.Hold("B");
        Assert.True(await WaitUntilAsync(() => cluster.Witness.InFlight("B").Count > 0, Patience), $"B made no call to stop it in.\n{Timeline}");
        var caught = cluster.Witness.InFlight("B");
        b.Stop();
        var stoppedAt = DateTimeOffset.UtcNow;
        held.Dispose();
        Note($"B stopped in {caught.Count} call(s): {string.Join(", ", caught)}");
        var takenOver = await WaitUntilAsync(
            () => cluster.Witness.Calls.Any(w => w.Instance != "B" && w.ReceivedAt > stoppedAt && caught.Any(k => k.Run == w.Run && k.Node == w.Node)),
            TimeSpan.FromSeconds(20) + 4 * TestCluster.LeaseDuration);
        Assert.True(takenOver, $"No instance took over B's runs ({string.Join(", ", caught.Select(k => k.Run))}) within 20 s past its {TestCluster.LeaseDuration.TotalSeconds:0} s lease.\n{Timeline}\n{cluster.Output}");
        b.Continue();
        var continuedAt = DateTimeOffset.UtcNow;
        Note($"B continued after {(continuedAt - stoppedAt).TotalSeconds:0.0} s stopped");

        // 4. Approvals decided through an instance other than the one that executed the run up to them: the runs API for
        //    cl-ask, a signed Slack button click for cl-chat.
        var decisions = await DecideAllAsync(cluster, asks, chats);
        Note($"{decisions.Api} API decisions and {decisions.Clicks} clicks, {decisions.Elsewhere} through another instance than the run's");

        // 5. A run executed by one instance, watched live over SSE on the other.
        var (watchedOn, executedBy, events) = await WatchAcrossAsync(cluster);
        Note($"watched on {watchedOn} a run executed by {executedBy}");

        // 6. Everything ends.
        var runs = await WaitForAllEndedAsync(cluster, started.Count, flows.Length);
        Note("every run ended");

        // Every run started once ended once, succeeded; each flow has exactly one child.
        var expected = started.Select(s => s.RunId).ToHashSet(StringComparer.Ordinal);
        var topLevel = runs.Where(r => r.Workflow != "cl-child").ToArray();
        Assert.Equal(expected.Order(StringComparer.Ordinal), topLevel.Select(r => r.Id).Order(StringComparer.Ordinal));
        var details = await DetailsAsync(cluster, runs.Select(r => r.Id));
        var notSucceeded = runs.Where(r => r.Status != "succeeded").ToArray();
        Assert.True(notSucceeded.Length == 0, $"{notSucceeded.Length} runs did not succeed: {Describe(notSucceeded)}; " +
            $"{string.Join("; ", notSucceeded.Take(5).Select(r => details[r.Id].TryGetProperty("error", out var error) ? error.ToString() : "no error"))}\n{Timeline}\n{cluster.Output}");
        var children = runs.Where(r => r.Workflow == "cl-child").Select(r => details[r.Id].GetProperty("parentRunId").GetString()!).ToArray();
        Assert.True(children.Length == flows.Length && children.Order(StringComparer.Ordinal).SequenceEqual(flows.Order(StringComparer.Ordinal)),
            $"{flows.Length} flows started {children.Length} children; parents with more than one: {string.Join(", ", children.GroupBy(p => p).Where(g => g.Count() > 1).Select(g => g.Key))}");

        // Every run's message reached Slack once (a re-execution does not post again), except what docs/semantics.md
        // allows: a post the platform accepted just before its instance was killed, or lost the run while frozen,
        // before the effect was recorded, is posted again by the instance that takes the run over — at most twice, and
        // only around a fault.
        var done = cluster.Slack.PostedIn(ClusterWorkflows.DoneChannel).Concat(cluster.Slack.PostedIn(ClusterWorkflows.ChatChannel))
            .Select(m => (Match: DoneRun().Match(m.Text ?? ""), m.PostedAt)).Where(m => m.Match.Success)
            .GroupBy(m => m.Match.Groups[1].Value).ToDictionary(g => g.Key, g => (Count: g.Count(), First: g.Min(m => m.PostedAt)));
        // A frozen instance's runs change hands until its renewals catch up, a lease or two after it continues; a post
        // in flight meanwhile is made again by the new holder, whose journal alone counts.
        bool AtAFault(DateTimeOffset first) =>
            first <= killedAt.AddSeconds(1) || (first >= stoppedAt.AddSeconds(-1) && first <= continuedAt + 2 * TestCluster.LeaseDuration);
        var postedWrong = flows.Concat(asks).Concat(chats)
            .Where(id => done.GetValueOrDefault(id) is not { Count: 1 } && !(done.GetValueOrDefault(id) is { Count: 2 } twice && AtAFault(twice.First))).ToArray();
        Assert.True(postedWrong.Length == 0, $"{postedWrong.Length} runs did not post their message once: {string.Join(", ", postedWrong.Take(10).Select(id => $"{id} x{done.GetValueOrDefault(id).Count}"))}");
        var repostedAfterFaults = done.Values.Count(d => d.Count == 2);

        // No progress card, and no approval card, posted twice.
        var cardsWrong = chats.Select(id => (id, Cards: cluster.Slack.CardsOf(id)))
            .Where(x => x.Cards.Count(k => k.Kind == "progress") != 1 || x.Cards.Count(k => k.Kind == "approval") != 1).ToArray();
        Assert.True(cardsWrong.Length == 0, $"{cardsWrong.Length} chat runs do not have exactly one progress card and one approval card: {string.Join("; ", cardsWrong.Take(5).Select(x => $"{x.id}: {string.Join(", ", x.Cards.Select(k => k.Kind))}"))}");
        // The clicks, on any instance, decided the runs as the person who clicked.
        Assert.All(chats, id => Assert.Equal($"slack:{ClusterWorkflows.Approver}", details[id].GetProperty("data").GetProperty("ask").GetProperty("by").GetString()));

        // Nothing B learnt while it was frozen was written to a run another instance had taken over meanwhile: every
        // output of a witness call names the token of its answer, and no token answered to B while it was stopped, for a
        // call another instance made again before B continued, is in the journal. (A run whose lease lapsed but that no
        // instance claimed is still B's: its epoch did not move, and B rightly goes on writing it.)
        var answeredWhileStopped = cluster.Witness.Calls
            .Where(w => w.Instance == "B" && w.AnsweredAt > stoppedAt && w.AnsweredAt <= continuedAt)
            .ToDictionary(w => w.Token);
        Assert.True(answeredWhileStopped.Count > 0, $"The witness answered B nothing while it was stopped; the check below would prove nothing.\n{Timeline}");
        answeredWhileStopped = answeredWhileStopped.Values
            .Where(w => cluster.Witness.Calls.Any(o => o.Instance != "B" && o.Run == w.Run && o.Node == w.Node && o.ReceivedAt > stoppedAt && o.ReceivedAt <= continuedAt))
            .ToDictionary(w => w.Token);
        var journaled = details.Values.SelectMany(WorkOutputs).ToArray();
        var fencedOut = journaled.Where(o => answeredWhileStopped.ContainsKey(o.Token)).ToArray();
        Assert.True(fencedOut.Length == 0, $"B wrote {fencedOut.Length} node outputs after it lost its lease: {string.Join("; ", fencedOut.Select(o => $"{o.RunId}/work from {answeredWhileStopped[o.Token]}"))}");
        // …and what a run shows is what a live owner wrote: each work output names the instance that made the call.
        var tokens = cluster.Witness.Calls.ToDictionary(w => w.Token);
        Assert.All(journaled, o => Assert.Equal(tokens[o.Token].Instance, o.Instance));

        // The digest fired once per tick however many instances followed it, and posted once per tick.
        var digests = await TestCluster.ListRunsAsync(a, "cl-digest");
        var ticks = (await DetailsAsync(cluster, digests.Select(r => r.GetProperty("id").GetString()!)))
            .Values.Select(r => r.GetProperty("trigger").GetProperty("scheduledAt").GetString()!).ToArray();
        var twice = ticks.GroupBy(t => t).Where(g => g.Count() > 1).Select(g => g.Key).ToArray();
        Assert.True(twice.Length == 0, $"The digest fired more than once for {string.Join(", ", twice)}");
        Assert.True(ticks.Length >= 5, $"The digest fired only {ticks.Length} times.");
        // …and posted once per tick, but for a post in flight at a fault (as for every run's message above).
        var digestTwice = cluster.Slack.PostedIn(ClusterWorkflows.DigestChannel).GroupBy(m => m.Text)
            .Where(g => g.Count() > 2 || (g.Count() == 2 && !AtAFault(g.Min(m => m.PostedAt)))).Select(g => g.Key).ToArray();
        Assert.True(digestTwice.Length == 0, $"A digest was posted twice: {string.Join(", ", digestTwice)}");
        var digestInstances = cluster.Witness.Calls.Where(w => digests.Any(d => d.GetProperty("id").GetString() == w.Run)).Select(w => w.Instance).Distinct().Order().ToArray();

        // SSE on one instance showed the run the other executed, node by node, to its end.
        Assert.NotEqual(watchedOn, executedBy);
        Assert.Contains(events, e => e.Type == RunEventTypes.NodeFinished && e.NodeId == "work");
        Assert.Equal(RunEventTypes.RunFinished, events[^1].Type);

        TestSummary.Write(
            $"cluster: {runs.Count} runs ({started.Count} started round-robin on 3 instances, {children.Length} sub-workflows) ended once each; " +
            $"1 SIGKILL ({(cBusy ? "mid-call" : "idle")}), 1 SIGSTOP of {(continuedAt - stoppedAt).TotalSeconds:0.0} s past a {TestCluster.LeaseDuration.TotalSeconds:0} s lease " +
            $"({answeredWhileStopped.Count} answers fenced out; {repostedAfterFaults} messages posted again after a fault); {decisions.Api} API decisions + {decisions.Clicks} Slack clicks ({decisions.Elsewhere} on another instance); " +
            $"{ticks.Length} digest ticks, fired by {string.Join("+", digestInstances)}; {_clock.Elapsed.TotalSeconds:0} s");
    }

    private string Timeline => "Timeline: " + string.Join("; ", _timeline);

    private void Note(string what) => _timeline.Add($"{_clock.Elapsed.TotalSeconds:0.0}s {what}");

    // Starts RunCount runs through A, B, C in turn, 12 at a time; chat runs by slash command, whose run id the response
    // URL is told. Returns once every run is stored (the chat runs too, so that killing an instance loses none).
    private static async Task<List<(string Workflow, string RunId)>> StartRunsAsync(TestCluster cluster)
    {
        var started = new ConcurrentBag<(string, string)>();
        var commands = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(Enumerable.Range(0, RunCount), new ParallelOptions { MaxDegreeOfParallelism = 12 }, async (i, _) =>
        {
            var through = cluster.Instances[i % cluster.Instances.Count];
            switch (i % 10)
            {
                case 0:
                    var responseId = $"cmd-{i}";
                    using (var ack = await cluster.SlashCommandAsync(through, $"clchat n={i}", "UDEV00001", ClusterWorkflows.ChatChannel, responseId))
                    {
                        Assert.True(ack.StatusCode == HttpStatusCode.OK, $"/run clchat on {through.Name}: {(int)ack.StatusCode}");
                    }
                    commands.Add(responseId);
                    break;
                case 1 or 2 or 3:
                    started.Add(("cl-ask", await TestCluster.StartRunAsync(through, "cl-ask", $$"""{"n": {{i}}}""")));
                    break;
                default:
                    started.Add(("cl-flow", await TestCluster.StartRunAsync(through, "cl-flow", $$"""{"n": {{i}}}""")));
                    break;
            }
        });
        foreach (var responseId in commands)
        {
            var told = await cluster.Slack.WaitForAsync(
                call => call.Method == "response_url" && call.Path.EndsWith("/" + responseId, StringComparison.Ordinal) && StartedRun().IsMatch(call.Text() ?? ""), Patience);
            started.Add(("cl-chat", StartedRun().Match(told.Text()!).Groups[1].Value));
        }
        return [.. started];
    }

    private async Task<(int Api, int Clicks, int Elsewhere)> DecideAllAsync(TestCluster cluster, string[] asks, string[] chats)
    {
        var open = asks.Select(id => (Id: id, Click: false)).Concat(chats.Select(id => (Id: id, Click: true))).ToHashSet();
        var (api, clicks, elsewhere) = (0, 0, 0);
        var deadline = Stopwatch.StartNew();
        while (open.Count > 0)
        {
            var waiting = (await TestCluster.ListRunsAsync(cluster.Live[0], "cl-ask", "waiting"))
                .Concat(await TestCluster.ListRunsAsync(cluster.Live[0], "cl-chat", "waiting"))
                .Select(r => r.GetProperty("id").GetString()!).ToHashSet(StringComparer.Ordinal);
            foreach (var run in open.Where(r => waiting.Contains(r.Id)).ToArray())
            {
                // The instance that executed the run up to its approval (its latest call); the decision goes to another.
                var executor = cluster.Witness.Calls.LastOrDefault(w => w.Run == run.Id)?.Instance;
                var through = cluster.Live.FirstOrDefault(i => i.Name != executor) ?? cluster.Live[0];
                if (!run.Click)
                {
                    var status = await TestCluster.ApproveAsync(through, run.Id, "ask");
                    if (status != HttpStatusCode.Accepted) continue;
                    api++;
                }
                else
                {
                    // A card the killed instance had no time to record is recorded by another within CardTakeoverAfter.
                    var card = cluster.Slack.CallsTo("chat.postMessage").FirstOrDefault(call => IsApprovalCardOf(call, run.Id));
                    if (card is null) continue;
                    var value = card.Blocks.Single(block => block.GetProperty("type").GetString() == "actions").GetProperty("elements").EnumerateArray()
                        .Single(e => e.GetProperty("action_id").GetString() == "approval.approve").GetProperty("value").GetString()!;
                    using var click = await cluster.ClickAsync(through, ClusterWorkflows.Approver, ClusterWorkflows.ChatChannel, "approval-ts", "approval.approve", value, $"click-{run.Id}");
                    Assert.True(click.StatusCode == HttpStatusCode.OK, $"A click on {through.Name} was answered {(int)click.StatusCode}.");
                    clicks++;
                }
                if (through.Name != executor) elsewhere++;
                open.Remove(run);
            }
            if (open.Count == 0) break;
            if (deadline.Elapsed >= FinishPatience)
            {
                var stuck = new List<string>();
                foreach (var run in open.Take(5))
                {
                    var detail = await TestCluster.GetRunAsync(cluster.Live[0], run.Id);
                    stuck.Add($"{run.Id} ({(run.Click ? "click" : "api")}): {detail}");
                }
                Assert.Fail($"{open.Count} approvals never became decidable:\n{string.Join("\n", stuck)}\n{Timeline}\n{cluster.Output}");
            }
            await Task.Delay(500);
        }
        return (api, clicks, elsewhere);
    }

    private static bool IsApprovalCardOf(SlackCall call, string runId) =>
        call.Body.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object
        && metadata.TryGetProperty("event_payload", out var payload)
        && payload.TryGetProperty("run_id", out var id) && id.GetString() == runId
        && payload.TryGetProperty("kind", out var kind) && kind.GetString() == "approval";

    // Starts cl-watch through B and reads its events on A and on B at once; of the two, the stream of the instance that
    // did not execute the run is returned.
    private static async Task<(string WatchedOn, string ExecutedBy, IReadOnlyList<ServerSentEvent> Events)> WatchAcrossAsync(TestCluster cluster)
    {
        var (a, b) = (cluster["A"], cluster["B"]);
        var runId = await TestCluster.StartRunAsync(b, "cl-watch");
        var onA = TestCluster.ReadEventsAsync(a, runId, Patience);
        var onB = TestCluster.ReadEventsAsync(b, runId, Patience);
        await Task.WhenAll(onA, onB);
        var executedBy = cluster.Witness.Calls.Last(w => w.Run == runId).Instance;
        return executedBy == "A" ? ("B", executedBy, await onB) : ("A", executedBy, await onA);
    }

    private async Task<IReadOnlyList<(string Id, string Workflow, string Status)>> WaitForAllEndedAsync(TestCluster cluster, int startedCount, int flowCount)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var through = cluster.Live[0];
            var runs = new List<(string, string, string)>();
            foreach (var workflow in new[] { "cl-flow", "cl-ask", "cl-chat", "cl-child" })
            {
                runs.AddRange((await TestCluster.ListRunsAsync(through, workflow))
                    .Select(r => (r.GetProperty("id").GetString()!, workflow, r.GetProperty("status").GetString()!)));
            }
            var open = runs.Where(r => !Ended.Contains(r.Item3)).ToArray();
            // Once no run is open, none will start another: what is missing then is reported by the assertions.
            if (open.Length == 0 && runs.Count(r => r.Item2 != "cl-child") >= startedCount) return runs;
            Assert.True(deadline.Elapsed < FinishPatience,
                $"After {FinishPatience.TotalSeconds:0} s, {open.Length} of {runs.Count} runs have not ended (expected {startedCount + flowCount} runs): {Describe(open)}\n{Timeline}\n{cluster.Output}");
            await Task.Delay(1000);
        }
    }

    private static async Task<Dictionary<string, JsonElement>> DetailsAsync(TestCluster cluster, IEnumerable<string> runIds)
    {
        var details = new ConcurrentDictionary<string, JsonElement>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(runIds, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (id, _) =>
            details[id] = await TestCluster.GetRunAsync(cluster.Live[details.Count % cluster.Live.Count], id));
        return new Dictionary<string, JsonElement>(details, StringComparer.Ordinal);
    }

    // The output of a run's work node: the run, the instance that made the call, and the witness's token.
    private static IEnumerable<(string RunId, string Instance, int Token)> WorkOutputs(JsonElement run)
    {
        foreach (var node in run.GetProperty("nodes").EnumerateArray())
        {
            if (node.GetProperty("nodeId").GetString() != "work" || node.GetProperty("output") is not { ValueKind: JsonValueKind.Object } output) continue;
            yield return (run.GetProperty("id").GetString()!, output.GetProperty("instance").GetString()!, output.GetProperty("token").GetInt32());
        }
    }

    // Polls what the fakes recorded until the condition holds; false when it did not within the patience.
    private static async Task<bool> WaitUntilAsync(Func<bool> condition, TimeSpan patience)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > patience) return false;
            await Task.Delay(50);
        }
        return true;
    }

    private static string Describe(IEnumerable<(string Id, string Workflow, string Status)> runs) =>
        string.Join(", ", runs.Take(10).Select(r => $"{r.Workflow} {r.Id} {r.Status}"));

    [GeneratedRegex("run `([0-9a-f]+)`")]
    private static partial Regex StartedRun();

    [GeneratedRegex("^done ([0-9a-f]+)")]
    private static partial Regex DoneRun();
}
