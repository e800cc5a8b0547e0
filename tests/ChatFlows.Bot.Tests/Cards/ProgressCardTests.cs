using System.Text.Json;
using ChatFlows.Bot.Cards;
using ChatFlows.Bot.Chat;
using ChatFlows.Core.Running;

namespace ChatFlows.Bot.Tests.Cards;

public sealed class ProgressCardTests
{
    private static ProgressView Run(RunStatus status = RunStatus.Waiting, TokenUsage? usage = null, string? error = null, string? result = null, TimeSpan? elapsed = null) => new()
    {
        RunId = "run-42",
        WorkflowId = "release-notes",
        WorkflowName = "Release notes",
        Status = status,
        StartedBy = "playground:ada",
        Elapsed = elapsed ?? TimeSpan.FromSeconds(184),
        Usage = usage,
        Error = error,
        Result = result,
        Steps =
        [
            new ProgressStep("fetch", "tool/http", NodeStatus.Succeeded, 2, TimeSpan.FromMilliseconds(1234), "12 issues", null),
            new ProgressStep("summarize", "agent", NodeStatus.Failed, 1, TimeSpan.FromSeconds(3), null, "model answered 500"),
            new ProgressStep("notify", "tool/slack", NodeStatus.Skipped, 0, null, null, null),
            new ProgressStep("review", "approval", NodeStatus.Waiting, 1, null, "waiting for anyone to approve", null),
            new ProgressStep("draft", "agent", NodeStatus.Running, 1, null, null, null),
            new ProgressStep("post", "tool/slack", NodeStatus.Pending, 0, null, null, null),
        ],
    };

    private static JsonElement Row(JsonElement card, string nodeId) =>
        CardQuery.OfType(card, "ColumnSet").Single(row => CardQuery.Texts(row).Contains(nodeId));

    [Theory]
    [InlineData("fetch", "✓")]
    [InlineData("summarize", "✗")]
    [InlineData("review", "⏸")]
    [InlineData("draft", "◐")]
    [InlineData("post", "○")]
    public void Render_StepInEachState_RowStartsWithItsMark(string nodeId, string mark)
    {
        var card = ProgressCard.Render(Run()).ToJson();

        Assert.Equal(mark, CardQuery.Texts(Row(card, nodeId)).First());
    }

    [Fact]
    public void Render_Steps_OneRowEachWithNodeIdAndKind()
    {
        var card = ProgressCard.Render(Run()).ToJson();

        var fetch = CardQuery.Texts(Row(card, "fetch")).ToArray();
        Assert.Equal(["✓", "fetch", "tool/http", "1.2 s · attempt 2"], fetch);
        Assert.True(CardQuery.Text(card, "tool/http").IsSubtle);
        Assert.Equal(5 + 1, CardQuery.OfType(card, "ColumnSet").Count()); // the header is a row too; the skipped step is folded
    }

    [Fact]
    public void Render_SucceededAndFailedMarks_AreColouredGoodAndAttention()
    {
        var card = ProgressCard.Render(Run()).ToJson();

        Assert.Equal("Good", CardQuery.Text(card, "✓").Color);
        Assert.Equal("Attention", CardQuery.Text(card, "✗").Color);
        Assert.Equal("Warning", CardQuery.Text(card, "⏸").Color);
    }

    [Fact]
    public void Render_SingleAttempt_ShowsDurationWithoutAttempt()
    {
        var card = ProgressCard.Render(Run()).ToJson();

        Assert.Contains("3.0 s", CardQuery.Texts(Row(card, "summarize")));
        Assert.DoesNotContain(CardQuery.Texts(card), t => t.Contains("attempt 1", StringComparison.Ordinal));
    }

    [Fact]
    public void Render_FailedStep_ShowsItsErrorInAttention()
    {
        var card = ProgressCard.Render(Run()).ToJson();

        var error = CardQuery.Text(card, "model answered 500");
        Assert.Equal("Attention", error.Color);
        Assert.True(error.Wraps);
    }

    [Fact]
    public void Render_StepWithSummary_ShowsItSubtle()
    {
        var card = ProgressCard.Render(Run()).ToJson();

        Assert.True(CardQuery.Text(card, "12 issues").IsSubtle);
        Assert.True(CardQuery.Text(card, "waiting for anyone to approve").IsSubtle);
    }

    [Fact]
    public void Render_Header_ShowsWorkflowNameAndStatus()
    {
        var card = ProgressCard.Render(Run(RunStatus.Succeeded)).ToJson();

        var header = CardQuery.Texts(CardQuery.OfType(card, "ColumnSet").First()).ToArray();
        Assert.Equal(["Release notes", "✅ succeeded"], header);
        Assert.Equal("Good", CardQuery.Text(card, "✅ succeeded").Color);
    }

    [Theory]
    [InlineData(RunStatus.Queued, "queued")]
    [InlineData(RunStatus.Running, "▶ running")]
    [InlineData(RunStatus.Waiting, "⏸ waiting")]
    [InlineData(RunStatus.Failed, "❌ failed")]
    [InlineData(RunStatus.Cancelled, "⏹ cancelled")]
    [InlineData(RunStatus.Expired, "⌛ expired")]
    public void Render_EachRunStatus_HeaderNamesIt(RunStatus status, string text)
    {
        var card = ProgressCard.Render(Run(status)).ToJson();

        Assert.Contains(text, CardQuery.Texts(CardQuery.OfType(card, "ColumnSet").First()));
    }

    [Fact]
    public void Render_Facts_ShowRunStarterAndElapsed()
    {
        var facts = CardQuery.Facts(ProgressCard.Render(Run()).ToJson());

        Assert.Equal("run-42", facts["Run"]);
        Assert.Equal("playground:ada", facts["Started by"]);
        Assert.Equal("3 min 4 s", facts["Elapsed"]);
    }

    [Theory]
    [InlineData(350, "350 ms")]
    [InlineData(1_234, "1.2 s")]
    [InlineData(59_960, "59.9 s")]
    [InlineData(184_000, "3 min 4 s")]
    [InlineData(7_500_000, "2 h 5 min")]
    public void Render_Elapsed_ReadsAsAPersonWouldSayIt(int milliseconds, string text)
    {
        var facts = CardQuery.Facts(ProgressCard.Render(Run(elapsed: TimeSpan.FromMilliseconds(milliseconds))).ToJson());

        Assert.Equal(text, facts["Elapsed"]);
    }

    [Fact]
    public void Render_WithUsage_ShowsTokensAndCost()
    {
        var facts = CardQuery.Facts(ProgressCard.Render(Run(usage: new TokenUsage(1_000, 234, 0.0123m))).ToJson());

        Assert.Equal("1,234 (1,000 prompt, 234 completion)", facts["Tokens"]);
        Assert.Equal("$0.0123", facts["Cost"]);
    }

    [Fact]
    public void Render_UsageWithoutPrices_ShowsTokensButNoCost()
    {
        var facts = CardQuery.Facts(ProgressCard.Render(Run(usage: new TokenUsage(10, 5))).ToJson());

        Assert.Equal("15 (10 prompt, 5 completion)", facts["Tokens"]);
        Assert.False(facts.ContainsKey("Cost"));
    }

    [Fact]
    public void Render_WithoutUsage_ShowsNeitherTokensNorCost()
    {
        var facts = CardQuery.Facts(ProgressCard.Render(Run()).ToJson());

        Assert.False(facts.ContainsKey("Tokens"));
        Assert.False(facts.ContainsKey("Cost"));
    }

    [Fact]
    public void Render_FailedRun_EndsWithTheRunErrorInAttention()
    {
        var card = ProgressCard.Render(Run(RunStatus.Failed, error: "summarize: model answered 500")).ToJson();

        var last = CardQuery.Elements(card).Last();
        Assert.Equal("summarize: model answered 500", last.GetProperty("text").GetString());
        Assert.Equal("Attention", CardQuery.String(last, "color"));
    }

    [Fact]
    public void Render_SucceededRun_EndsWithTheResult()
    {
        var card = ProgressCard.Render(Run(RunStatus.Succeeded, result: "Release 2.4 notes posted")).ToJson();

        Assert.Equal("Release 2.4 notes posted", CardQuery.Texts(card).Last());
    }

    [Fact]
    public void Render_FallbackText_SummarizesTheRunOnOneLine()
    {
        var card = ProgressCard.Render(Run(RunStatus.Failed, error: "summarize: model answered 500")).ToJson();

        Assert.Equal("Release notes: ❌ failed · 3/6 steps · 3 min 4 s · summarize: model answered 500", card.GetProperty("fallbackText").GetString());
    }

    [Fact]
    public void Render_NamedSteps_ShowNamesNotIdsAndOneFoldLine()
    {
        var view = Run(RunStatus.Running) with
        {
            Steps =
            [
                new ProgressStep("collect", "tool/transform", NodeStatus.Succeeded, 1, TimeSpan.FromMilliseconds(3), "a · b", null) { Name = "Collect updates", IsPlumbing = true },
                new ProgressStep("anyUpdates", "condition", NodeStatus.Succeeded, 1, TimeSpan.FromMilliseconds(1), "true", null) { Name = "Any updates?", IsPlumbing = true },
                new ProgressStep("quiet", "output/end", NodeStatus.Skipped, 0, null, null, null) { Name = "No updates", IsPlumbing = true },
                new ProgressStep("write", "agent", NodeStatus.Running, 1, null, null, null) { Name = "Write the digest" },
            ],
        };

        var card = ProgressCard.Render(view).ToJson();

        var texts = CardQuery.Texts(card).ToArray();
        Assert.Contains("✓ 2 steps done · 1 skipped", texts);
        Assert.Equal(["◐", "Write the digest", "agent"], CardQuery.Texts(Row(card, "Write the digest")));
        Assert.DoesNotContain(texts, t => t is "write" or "collect" or "Collect updates" or "anyUpdates" or "quiet");
        Assert.Equal(1 + 1, CardQuery.OfType(card, "ColumnSet").Count());
    }

    [Fact]
    public void Render_SixtySteps_KeepsTheFailedStepTheWaitingApprovalAndTheRunError()
    {
        var steps = Enumerable.Range(1, 60).Select(i => new ProgressStep($"step-{i}", "tool/http", NodeStatus.Pending, 0, null, null, null) { Name = $"Step {i}" }).ToArray();
        steps[40] = steps[40] with { Status = NodeStatus.Failed, Attempts = 1, Error = "GET https://status.example answered 503." };
        steps[55] = steps[55] with { Kind = "approval", Status = NodeStatus.Waiting, Attempts = 1, Summary = "waiting for playground:ada to approve by 2026-11-24 17:00 UTC" };

        var card = ProgressCard.Render(Run(RunStatus.Failed, error: "Step 41: GET https://status.example answered 503.") with { Steps = steps }).ToJson();

        var texts = CardQuery.Texts(card).ToArray();
        Assert.Contains("Step 41", texts);
        Assert.Equal("Attention", CardQuery.Text(card, "GET https://status.example answered 503.").Color);
        Assert.Contains("Step 56", texts);
        Assert.Contains("waiting for playground:ada to approve by 2026-11-24 17:00 UTC", texts);
        Assert.Equal("Step 41: GET https://status.example answered 503.", texts[^1]);
    }

    [Fact]
    public void Render_ResultOnSeveralLines_OneTextBlockPerLine()
    {
        var card = ProgressCard.Render(Run(RunStatus.Succeeded, result: "service: api\nverdict: go")).ToJson();

        Assert.Equal(["Result", "service: api", "verdict: go"], CardQuery.Texts(card).TakeLast(3));
    }

    [Fact]
    public void Render_WithRunPage_EndsWithARunDetailsLink_WithoutNone()
    {
        var linked = ProgressCard.Render(Run() with { RunPage = "https://chatflows.example.com/runs/run-42" }).ToJson();
        var plain = ProgressCard.Render(Run()).ToJson();

        var action = Assert.Single(linked.GetProperty("actions").EnumerateArray());
        Assert.Equal(("Action.OpenUrl", "Run details", "https://chatflows.example.com/runs/run-42"),
            (action.GetProperty("type").GetString(), action.GetProperty("title").GetString(), action.GetProperty("url").GetString()));
        Assert.False(plain.TryGetProperty("actions", out _));
    }

    [Fact]
    public void Render_AnyRun_WritesNoNullsOrEmptyLists()
    {
        var card = ProgressCard.Render(Run(RunStatus.Succeeded, usage: new TokenUsage(1, 2, 0.5m), result: "ok")).ToJson();

        Assert.Empty(CardQuery.NullsAndEmptyLists(card));
        Assert.False(card.TryGetProperty("actions", out _));
    }
}
