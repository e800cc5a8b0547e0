using System.Text.Json;
using ChatFlows.Bot.Cards;
using ChatFlows.Bot.Chat;
using ChatFlows.Bot.Teams;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;

namespace ChatFlows.Bot.Tests.Browser;

/// <summary>
/// Every kind of card the product renders, parsed, validated and rendered by the official <c>adaptivecards</c> library
/// (the copy the Playground serves) in real Chromium: none may raise an error or a warning.
/// </summary>
[Collection(HostCollection.Name)]
[Trait("Host", "shared")]
public sealed class CardSchemaTests(HostFixture host, ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private static readonly DateTimeOffset At = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);

    // Parses with a serialization context (which collects parse warnings), validates, renders; returns every complaint.
    // Cards cross to the page as JSON text.
    private const string CheckScript = """
        cards => cards.map(({ name, json }) => {
          const card = new AdaptiveCards.AdaptiveCard();
          const context = new AdaptiveCards.SerializationContext();
          card.parse(JSON.parse(json), context);
          const problems = [];
          for (let i = 0; i < context.eventCount; i++) problems.push(`parse: ${context.getEventAt(i).message}`);
          for (const e of card.validateProperties().validationEvents) problems.push(`validate: ${e.message}`);
          const rendered = card.render();
          if (!rendered) problems.push("render: nothing rendered");
          return { name, problems, version: card.version.toString() };
        })
        """;

    [Fact]
    public async Task EveryProductCard_ParsedByTheOfficialRenderer_HasNoErrorsOrWarnings()
    {
        var cards = ProductCards().Select(c => new { name = c.Name, json = c.Card.ToJsonString() }).ToArray();
        foreach (var card in cards) ConformanceRecorder.Record("card", card.name, "bot/Cards", JsonElement.Parse(card.json));
        await using var browser = await chromium.NewPageAsync(host.BaseAddress, name: "ada");
        await browser.OpenPlaygroundAsync();

        var results = await browser.Page.EvaluateAsync<JsonElement>(CheckScript, cards);

        Assert.Equal(cards.Length, results.GetArrayLength());
        foreach (var result in results.EnumerateArray())
        {
            var name = result.GetProperty("name").GetString();
            var problems = result.GetProperty("problems").EnumerateArray().Select(p => p.GetString()).ToArray();
            Assert.True(problems.Length == 0, $"{name}: {string.Join("; ", problems)}");
            Assert.Equal("1.5", result.GetProperty("version").GetString());
        }
        browser.AssertNoErrors();
    }

    [Fact]
    public async Task BrokenCard_ParsedByTheOfficialRenderer_IsReported()
    {
        await using var browser = await chromium.NewPageAsync(host.BaseAddress, name: "ada");
        await browser.OpenPlaygroundAsync();
        const string Broken = """{"type": "AdaptiveCard", "version": "1.5", "body": [{"type": "TextBloc", "text": "typo"}]}""";

        var results = await browser.Page.EvaluateAsync<JsonElement>(CheckScript, new[] { new { name = "broken", json = Broken } });

        Assert.NotEqual(0, results[0].GetProperty("problems").GetArrayLength());
    }

    [Fact]
    public async Task TeamsApprovalCard_ParsedByTheOfficialRenderer_KeepsItsRefreshForTheApprovers()
    {
        await using var browser = await chromium.NewPageAsync(host.BaseAddress, name: "ada");
        await browser.OpenPlaygroundAsync();
        var view = new ApprovalView
        {
            RunId = "run-1",
            NodeId = "review",
            WorkflowName = "Release notes",
            Request = new ApprovalRequest { Prompt = "Ship?", Approvers = ["teams:6f1c2a9e-1111-4c4c-9d9d-0123456789ab"], RequestedAt = At },
        };
        var json = TeamsApprovalCard.Render(view, ["29:approver"]).ToJsonString();

        var refresh = await browser.Page.EvaluateAsync<JsonElement>("""
            json => {
              const card = new AdaptiveCards.AdaptiveCard();
              card.parse(JSON.parse(json));
              const refresh = card.refresh;
              return {
                action: refresh && refresh.action ? refresh.action.getJsonTypeName() : null,
                verb: refresh && refresh.action ? refresh.action.verb : null,
                userIds: refresh && refresh.userIds ? refresh.userIds : [],
              };
            }
            """, json);

        Assert.Equal("Action.Execute", refresh.GetProperty("action").GetString());
        Assert.Equal("refresh", refresh.GetProperty("verb").GetString());
        Assert.Equal(["29:approver"], refresh.GetProperty("userIds").EnumerateArray().Select(u => u.GetString()));
        browser.AssertNoErrors();
    }

    private static IEnumerable<(string Name, AdaptiveCard Card)> ProductCards()
    {
        var asked = new ApprovalRequest
        {
            Prompt = "Post these release notes to #general?",
            Approvers = ["playground:ada", "slack:U012AB3CD"],
            Draft = "Release 2.4 is out:\n- faster runs\n- *bold* claims",
            RequestedAt = At,
            ExpiresAt = At.AddHours(8),
        };
        var open = new ApprovalView { RunId = "run-1", NodeId = "review", WorkflowName = "Release notes", Request = asked };
        yield return ("approval open", ApprovalCard.Render(open));
        yield return ("approval open without draft, anyone", ApprovalCard.Render(open with { Request = asked with { Draft = null, Approvers = ["anyone"], ExpiresAt = null } }));
        yield return ("approval approved", ApprovalCard.Render(open with { Decision = "approved", DecidedBy = "playground:ada", DecidedAt = At.AddMinutes(5), Comment = "ship it" }));
        yield return ("approval rejected", ApprovalCard.Render(open with { Decision = "rejected", DecidedBy = "slack:U012AB3CD", DecidedAt = At.AddMinutes(5) }));
        yield return ("approval expired", ApprovalCard.Render(open with { Decision = "expired", DecidedAt = At.AddHours(8) }));
        yield return ("approval closed", ApprovalCard.Render(open with { Closed = "The run cancelled before anyone decided." }));
        yield return ("teams approval open, refreshed for its approvers", TeamsApprovalCard.Render(open, ["29:approver"]));
        yield return ("teams approval for someone who may not decide", TeamsApprovalCard.RenderFor(open, mayDecide: false, note: "Only playground:ada may decide this.", ["29:approver"]));

        var steps = new ProgressStep[]
        {
            new("fetch", "tool/http", NodeStatus.Succeeded, 2, TimeSpan.FromMilliseconds(1234), "{\"status\":200}", null),
            new("write", "agent", NodeStatus.Running, 1, null, null, null),
            new("review", "approval", NodeStatus.Waiting, 1, null, "waiting for anyone to approve", null),
            new("broken", "tool/transform", NodeStatus.Failed, 3, TimeSpan.FromSeconds(2), null, "The template failed at line 1."),
            new("quiet", "output/end", NodeStatus.Skipped, 0, null, null, null),
            new("post", "output/message", NodeStatus.Pending, 0, null, null, null),
        };
        foreach (var status in Enum.GetValues<RunStatus>())
        {
            var view = new ProgressView
            {
                RunId = "run-1",
                WorkflowId = "release-notes",
                WorkflowName = "Release notes",
                Status = status,
                StartedBy = "playground:ada",
                Elapsed = TimeSpan.FromSeconds(184),
                Usage = new TokenUsage(1000, 234, 0.0123m),
                Steps = steps,
                Error = status == RunStatus.Failed ? "broken: The template failed at line 1." : null,
                Result = status == RunStatus.Succeeded ? "Posted." : null,
            };
            yield return ($"progress {status}", ProgressCard.Render(view));
        }
        yield return ("progress queued, no steps yet", ProgressCard.Render(new ProgressView
        {
            RunId = "run-2",
            WorkflowId = "empty",
            WorkflowName = "Empty",
            Status = RunStatus.Queued,
            Elapsed = TimeSpan.Zero,
            Steps = [],
        }));
        yield return ("progress named, folded, with a result on lines and a run page link", ProgressCard.Render(new ProgressView
        {
            RunId = "run-3",
            WorkflowId = "deploy-check",
            WorkflowName = "Deploy check",
            Status = RunStatus.Succeeded,
            Elapsed = TimeSpan.FromSeconds(2),
            Steps =
            [
                new("target", "tool/transform", NodeStatus.Succeeded, 1, TimeSpan.FromMilliseconds(2), "service: api", null) { Name = "Read the target", IsPlumbing = true },
                new("hold", "tool/transform", NodeStatus.Skipped, 0, null, null, null) { Name = "Hold the rollout", IsPlumbing = true },
                new("health", "tool/http", NodeStatus.Succeeded, 1, TimeSpan.FromMilliseconds(80), "status: 200", null) { Name = "Check health" },
            ],
            Result = "service: api\nverdict: Rollout of api may proceed.",
            RunPage = "https://chatflows.example.com/runs/run-3",
        }));
    }
}
