using System.Diagnostics;
using System.Net;
using System.Text.Json;
using ChatFlows.Bot.Tests.Cards;

namespace ChatFlows.Bot.Tests.Chat;

/// <summary>
/// An approval card in the Playground follows what the clock does to its approval while nobody clicks (README §Approvals):
/// a reminder sent (<c>approval.changed</c>) shows on the card with the next one's time.
/// </summary>
public sealed class ApprovalCardClockTests
{
    private static readonly DateTimeOffset Nine = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Card_WhenAReminderIsSent_ShowsItAndTheNextReminderTime()
    {
        await using var host = new ClockedHost(Nine, new Dictionary<string, string>
        {
            ["ChatFlows:Approvals:SweepInterval"] = "00:05:00",
            ["ChatFlows:Samples:Seed"] = "false",
            ["ChatFlows:Chat:UpdateInterval"] = "00:00:00",
        });
        using (var created = await host.Client.PostAsync("/api/workflows", HostFixture.Json("""
            {"id": "clock-gate", "name": "Clock gate", "version": 1, "nodes": [
              {"id": "cmd", "type": "trigger", "config": {"kind": "command", "command": "clock-gate"}},
              {"id": "ask", "type": "approval", "config": {"prompt": "Open the gate?", "approvers": ["playground:ada"], "remind": "PT15M"}}
            ], "edges": [{"from": "cmd", "to": "ask"}]}
            """)))
        {
            Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        }
        using (await host.Client.PostAsync("/playground/api/channels", HostFixture.Json("""{"name": "gates"}"""))) { }
        // The answer to /run waits a moment (on the host's clock) for the card to land: the clock is moved meanwhile.
        var sending = host.Client.PostAsync("/playground/api/channels/gates/messages", HostFixture.Json("""{"user": "ada", "text": "/run clock-gate"}"""));
        while (!sending.IsCompleted)
        {
            host.Time.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Delay(20);
        }
        using (var sent = await sending) Assert.Equal(HttpStatusCode.Created, sent.StatusCode);

        var card = await CardAsync(host, texts => texts.Contains("Open the gate?"));
        Assert.DoesNotContain(CardQuery.Texts(card), t => t.Contains("reminder sent", StringComparison.Ordinal));
        Assert.Contains(CardQuery.Texts(card), t => t.StartsWith("🔔 Next reminder at 2026-11-24 09:15 UTC", StringComparison.Ordinal));

        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (host.Time.GetUtcNow() < Nine.AddMinutes(16)) host.Time.Advance(TimeSpan.FromMinutes(1));
            var shown = await CardAsync(host, _ => true);
            if (CardQuery.Texts(shown).Contains("🔔 Next reminder at 2026-11-24 09:30 UTC (1 reminder sent)")) break;
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"At {host.Time.GetUtcNow():O} the card shows: {string.Join(" | ", CardQuery.Texts(shown))}");
            await Task.Delay(50);
        }
    }

    // The approval card in the thread of the run's progress card in #gates.
    private static async Task<JsonElement> CardAsync(ClockedHost host, Func<IReadOnlyList<string>, bool> shows)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var messages = JsonElement.Parse(await host.Client.GetStringAsync("/playground/api/channels/gates/messages")).EnumerateArray()
                .Where(m => m.GetProperty("fromBot").GetBoolean() && m.GetProperty("replyCount").GetInt32() > 0).ToArray();
            foreach (var root in messages)
            {
                var thread = JsonElement.Parse(await host.Client.GetStringAsync($"/playground/api/messages/{root.GetProperty("id").GetInt64()}/thread"));
                foreach (var reply in thread.GetProperty("replies").EnumerateArray())
                {
                    if (reply.GetProperty("card") is { ValueKind: JsonValueKind.Object } card && CardQuery.Texts(card).ToArray() is var texts
                        && texts.Contains("Open the gate?") && shows(texts)) return card;
                }
            }
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), "The approval card was not posted.");
            await Task.Delay(50);
        }
    }
}
