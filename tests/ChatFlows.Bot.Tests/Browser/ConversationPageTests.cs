using System.Text.Json;
using ChatFlows.Bot.Tests.Agents;
using ChatFlows.Core.Tests.Agents;
using static Microsoft.Playwright.Assertions;

namespace ChatFlows.Bot.Tests.Browser;

/// <summary>
/// A conversation with an agent in the Playground, in real Chromium against the real host and a local model server: a
/// reply in the run's thread starts the workflow's reply trigger, and the agent gets the thread as history.
/// </summary>
public sealed class ConversationPageTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>, IAsyncLifetime
{
    private ModelHost _host = null!;

    public async Task InitializeAsync() => _host = await ModelHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task ThreadReply_AfterAnAgentAnswered_ContinuesTheConversationWithTheFirstExchange()
    {
        _host.Model.Reply = request => request.Index == 0
            ? ModelReply.Answer("Lisbon: three days, Alfama first.", 10, 5)
            : ModelReply.Answer("Eat pastéis de nata in Belém.", 20, 5);
        await _host.PostAsync("/api/agents", """{"id": "guide", "name": "Guide", "instructions": "You plan trips."}""");
        await _host.PostAsync("/api/workflows", """
            {
              "id": "trip",
              "nodes": [
                {"id": "asked", "type": "trigger", "config": {"kind": "message", "pattern": "\\?"}},
                {"id": "replied", "type": "trigger", "config": {"kind": "reply"}},
                {"id": "ask", "type": "agent", "config": {"agent": "guide", "input": "{{ trigger.text }}", "history": "thread"}},
                {"id": "say", "type": "output", "config": {"kind": "message", "text": "{{ data.ask }}"}}
              ],
              "edges": [{"from": "asked", "to": "ask"}, {"from": "replied", "to": "ask"}, {"from": "ask", "to": "say"}]
            }
            """);
        await using var browser = await chromium.NewPageAsync(_host.BaseAddress, name: "ada");
        var page = browser.Page;
        await browser.OpenPlaygroundAsync("general");

        await page.GetByTestId("composer-input").FillAsync("trip to Lisbon?");
        await page.GetByTestId("composer-input").PressAsync("Enter");
        var asked = page.GetByTestId("message-list").GetByTestId("message-item").Filter(new() { HasText = "trip to Lisbon?" });
        await Expect(asked.GetByTestId("reply-count")).ToHaveTextAsync("2 replies");
        await asked.GetByTestId("reply-count").ClickAsync();
        // The answers as messages of their own; the runs' progress cards show them too.
        var replies = page.GetByTestId("thread-panel").GetByTestId("reply-item").Filter(new() { HasNot = page.GetByTestId("message-card") });
        await Expect(replies.Filter(new() { HasText = "Lisbon: three days, Alfama first." })).ToHaveCountAsync(1);

        await page.GetByTestId("thread-composer-input").FillAsync("And the food?");
        await page.GetByTestId("thread-composer-input").PressAsync("Enter");

        await Expect(replies.Filter(new() { HasText = "Eat pastéis de nata in Belém." })).ToHaveCountAsync(1);
        var messages = _host.Model.Requests[1].Messages;
        Assert.Equal(
            [("system", "You plan trips."), ("user", "trip to Lisbon?"), ("assistant", "Lisbon: three days, Alfama first."), ("user", "And the food?")],
            messages.Select(m => (m.GetProperty("role").GetString(), m.GetProperty("content").GetString())));
        // The reply matches the message trigger's pattern too, yet only the reply trigger started a run.
        var runs = JsonElement.Parse(await _host.Client.GetStringAsync("/api/runs?workflow=trip")).GetProperty("items").EnumerateArray().ToArray();
        Assert.Equal(2, runs.Length);
        Assert.Equal(2, _host.Model.Requests.Count);
        browser.AssertNoErrors();
    }
}
