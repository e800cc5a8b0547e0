using ChatFlows.Bot.Chat;
using ChatFlows.Bot.Slack;
using ChatFlows.Core.Running;
using static ChatFlows.Bot.Tests.Slack.BlockQuery;

namespace ChatFlows.Bot.Tests.Slack;

public sealed class SlackProgressBlocksTests
{
    private static ProgressView Run(RunStatus status = RunStatus.Running, string? error = null, string? result = null, IReadOnlyList<ProgressStep>? steps = null) => new()
    {
        RunId = "run-42",
        WorkflowId = "deploy-check",
        WorkflowName = "Deploy check",
        Status = status,
        StartedBy = "slack:U012ABC",
        Elapsed = TimeSpan.FromSeconds(184),
        Usage = new TokenUsage(1000, 234, 0.0123m),
        Error = error,
        Result = result,
        Steps = steps ??
        [
            new ProgressStep("fetch", "tool/http", NodeStatus.Succeeded, 2, TimeSpan.FromMilliseconds(1234), "12 issues", null),
            new ProgressStep("summarize", "agent", NodeStatus.Running, 1, null, null, null),
            new ProgressStep("post", "output/message", NodeStatus.Pending, 0, null, null, null),
        ],
    };

    [Fact]
    public void Render_Running_HeaderNamesWorkflowAndStatus()
    {
        var header = Blocks(SlackProgressBlocks.Render(Run()).Blocks)[0];

        Assert.Equal("header", Type(header));
        Assert.Equal("plain_text", header.GetProperty("text").GetProperty("type").GetString());
        Assert.Equal("Deploy check · ▶ running", Text(header));
    }

    [Fact]
    public void Render_Running_ContextHasRunStarterElapsedAndTokens()
    {
        var context = Blocks(SlackProgressBlocks.Render(Run()).Blocks)[1];

        Assert.Equal("context", Type(context));
        Assert.Equal(["Run `run-42`", "Started by <@U012ABC>", "Elapsed 3 min 4 s", "1,234 tokens ($0.0123)"], Texts(context));
    }

    [Fact]
    public void Render_Running_OneSectionPerStepWithMarkKindDurationAndAttempt()
    {
        var sections = OfType(SlackProgressBlocks.Render(Run()).Blocks, "section").Select(Text).ToArray();

        Assert.Equal(
        [
            "✓ *fetch* · tool/http · succeeded · 1.2 s · attempt 2\n12 issues",
            "◐ *summarize* · agent · running",
            "○ *post* · output/message · pending",
        ], sections);
    }

    [Fact]
    public void Render_Failed_ShowsTheStepErrorAndTheRunErrorLast()
    {
        var view = Run(RunStatus.Failed, error: "summarize failed: model answered 500", steps:
        [
            new ProgressStep("fetch", "tool/http", NodeStatus.Succeeded, 1, TimeSpan.FromSeconds(1), null, null),
            new ProgressStep("summarize", "agent", NodeStatus.Failed, 3, TimeSpan.FromSeconds(3), null, "model answered 500"),
        ]);

        var blocks = Blocks(SlackProgressBlocks.Render(view).Blocks);

        Assert.Equal("Deploy check · ❌ failed", Text(blocks[0]));
        Assert.Equal("✗ *summarize* · agent · failed · 3.0 s · attempt 3\n*Error:* model answered 500", Text(blocks[4]));
        Assert.Equal("divider", Type(blocks[^2]));
        Assert.Equal("*Error:* summarize failed: model answered 500", Text(blocks[^1]));
    }

    [Fact]
    public void Render_Succeeded_ShowsTheResultLast()
    {
        var blocks = Blocks(SlackProgressBlocks.Render(Run(RunStatus.Succeeded, result: "All 3 checks passed")).Blocks);

        Assert.Equal("Deploy check · ✅ succeeded", Text(blocks[0]));
        Assert.Equal("*Result:* All 3 checks passed", Text(blocks[^1]));
    }

    [Fact]
    public void Render_Any_TextIsTheEscapedPlainTextOfTheRun()
    {
        var view = Run() with { WorkflowName = "Q&A <bot>" };

        var message = SlackProgressBlocks.Render(view);

        Assert.Equal(SlackText.Escape(ProgressText.Render(view)), message.Text);
        Assert.StartsWith("*Q&amp;A &lt;bot&gt;*", message.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_UserTextWithControlCharacters_IsEscapedInBlocks()
    {
        var view = Run(RunStatus.Failed, error: "<!channel> & co", steps: [new ProgressStep("a<b", "agent", NodeStatus.Failed, 1, null, null, "x > y")]);

        var blocks = Blocks(SlackProgressBlocks.Render(view).Blocks);

        Assert.Equal("✗ *a&lt;b* · agent · failed\n*Error:* x &gt; y", Text(blocks[3]));
        Assert.Equal("*Error:* &lt;!channel&gt; &amp; co", Text(blocks[^1]));
    }

    [Fact]
    public void Render_ManySteps_StaysWithinFiftyBlocksAndKeepsTheStepsThatMatter()
    {
        var steps = Enumerable.Range(1, 60)
            .Select(i => new ProgressStep($"step-{i}", "tool/http", i switch { 55 => NodeStatus.Failed, 58 => NodeStatus.Running, < 50 => NodeStatus.Succeeded, _ => NodeStatus.Pending }, 1, null, null, null))
            .ToArray();

        var blocks = Blocks(SlackProgressBlocks.Render(Run(RunStatus.Failed, error: "step-55 failed", steps: steps)).Blocks);

        Assert.True(blocks.Length <= 50, $"{blocks.Length} blocks");
        var shown = blocks.Where(b => Type(b) == "section").Select(Text).Where(t => t.Contains(" · tool/http", StringComparison.Ordinal)).ToArray();
        Assert.Equal(SlackProgressBlocks.MaxSteps, shown.Length);
        Assert.Contains(shown, t => t.Contains("*step-55*", StringComparison.Ordinal));
        Assert.Contains(shown, t => t.Contains("*step-58*", StringComparison.Ordinal));
        Assert.Contains(blocks, b => Type(b) == "context" && Text(b) == "… and 20 more steps: 9 pending, 11 succeeded");
    }

    [Fact]
    public void Render_NamedSteps_ShowNamesNotIdsAndOneFoldLine()
    {
        var view = Run(steps:
        [
            new ProgressStep("target", "tool/transform", NodeStatus.Succeeded, 1, TimeSpan.FromMilliseconds(2), "service: api", null) { Name = "Read the target", IsPlumbing = true },
            new ProgressStep("budgetOk", "condition", NodeStatus.Succeeded, 1, TimeSpan.FromMilliseconds(1), "true", null) { Name = "Within budget?", IsPlumbing = true },
            new ProgressStep("hold", "tool/transform", NodeStatus.Skipped, 0, null, null, null) { Name = "Hold the rollout", IsPlumbing = true },
            new ProgressStep("fetch", "tool/http", NodeStatus.Running, 1, null, null, null) { Name = "Check health" },
        ]);

        var message = SlackProgressBlocks.Render(view);

        var blocks = Blocks(message.Blocks);
        Assert.Equal("✓ 2 steps done · 1 skipped", Text(blocks[3]));
        Assert.Equal("◐ *Check health* · tool/http · running", Text(blocks[4]));
        var all = string.Join("\n", blocks.Select(Text)) + message.Text;
        Assert.DoesNotContain("fetch", all, StringComparison.Ordinal);
        Assert.DoesNotContain("Read the target", all, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_SixtyRunningSteps_StillShowsTheFailedStepAndTheWaitingApprovalWithItsDeadline()
    {
        var steps = Enumerable.Range(1, 60)
            .Select(i => new ProgressStep($"step-{i}", "tool/http", i switch { 60 => NodeStatus.Failed, 59 => NodeStatus.Waiting, _ => NodeStatus.Running }, 1, null,
                i == 59 ? "waiting for slack:U0BOSS to approve by 2026-11-24 17:00 UTC" : null, i == 60 ? "GET https://status.example answered 503." : null)
            { Name = $"Step {i}" })
            .ToArray();

        var blocks = Blocks(SlackProgressBlocks.Render(Run(RunStatus.Failed, error: "Step 60: GET https://status.example answered 503.", steps: steps)).Blocks);

        Assert.True(blocks.Length <= 50, $"{blocks.Length} blocks");
        var texts = blocks.Select(Text).ToArray();
        Assert.Contains("✗ *Step 60* · tool/http · failed\n*Error:* GET https://status.example answered 503.", texts);
        Assert.Contains("⏸ *Step 59* · tool/http · waiting\nwaiting for slack:U0BOSS to approve by 2026-11-24 17:00 UTC", texts);
        Assert.Equal("*Error:* Step 60: GET https://status.example answered 503.", texts[^1]);
    }

    [Fact]
    public void Render_LongTexts_StayWithinSlacksLimits()
    {
        var huge = new string('x', 5000);
        var view = Run(RunStatus.Failed, error: huge, steps: [new ProgressStep("n", "agent", NodeStatus.Failed, 1, null, null, huge)]) with { WorkflowName = huge };

        var message = SlackProgressBlocks.Render(view);

        var blocks = Blocks(message.Blocks);
        Assert.True(Text(blocks[0]).Length <= 150);
        Assert.All(OfType(message.Blocks, "section"), s => Assert.True(Text(s).Length <= 3000));
        Assert.True(message.Text.Length <= SlackText.MaxMessageText);
        Assert.EndsWith($"_… run `{view.RunId}`'s page in ChatFlows shows every step._", message.Text, StringComparison.Ordinal);
    }
}
