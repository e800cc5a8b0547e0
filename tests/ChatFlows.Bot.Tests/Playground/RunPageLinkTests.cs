using System.Diagnostics;
using System.Text.Json;

namespace ChatFlows.Bot.Tests.Playground;

/// <summary>
/// A host that knows its public address (<c>ChatFlows:PublicBaseUrl</c>) links progress cards and <c>/run status</c>
/// to the run's page (README §Progress cards).
/// </summary>
public sealed class RunPageLinkTests : IAsyncLifetime
{
    private const string PublicBaseUrl = "https://chatflows.example.com/flows";

    private readonly HostFixture _host = new(new Dictionary<string, string> { ["ChatFlows:PublicBaseUrl"] = PublicBaseUrl });

    public Task InitializeAsync() => _host.InitializeAsync();

    public Task DisposeAsync() => _host.DisposeAsync();

    [Fact]
    public async Task ProgressCardAndStatus_HostWithPublicBaseUrl_LinkToTheRunPage()
    {
        await _host.CreateWorkflowAsync("""
            {"id": "linked", "name": "Linked", "version": 1, "nodes": [
              {"id": "cmd", "type": "trigger", "config": {"kind": "command", "command": "linked"}},
              {"id": "say", "name": "Say hello", "type": "output", "config": {"kind": "message", "text": "Hello."}}
            ], "edges": [{"from": "cmd", "to": "say"}]}
            """);
        var runId = (await _host.ChatAsync("linked", "ada", "/run linked")).GetProperty("runId").GetString()!;
        await _host.WaitForRunAsync(runId);
        var page = $"{PublicBaseUrl}/runs/{runId}";

        var card = await FinalCardAsync("linked", runId);
        var action = card.GetProperty("actions").EnumerateArray().Single();
        Assert.Equal("Action.OpenUrl", action.GetProperty("type").GetString());
        Assert.Equal("Run details", action.GetProperty("title").GetString());
        Assert.Equal(page, action.GetProperty("url").GetString());

        var status = (await _host.ChatAsync("linked", "ada", $"/run status {runId}")).GetProperty("text").GetString();
        Assert.EndsWith($"\nRun details: {page}", status, StringComparison.Ordinal);
    }

    // The card is updated once more after the run ends; its final state is the one to read.
    private async Task<JsonElement> FinalCardAsync(string channel, string runId)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var messages = await _host.GetJsonAsync($"/playground/api/channels/{channel}/messages");
            var card = messages.EnumerateArray()
                .Where(m => m.GetProperty("runId").GetString() == runId && m.GetProperty("card").ValueKind == JsonValueKind.Object)
                .Select(m => m.GetProperty("card"))
                .FirstOrDefault(c => c.GetRawText().Contains("succeeded", StringComparison.Ordinal));
            if (card.ValueKind == JsonValueKind.Object) return card;
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), "The progress card never showed the final state.");
            await Task.Delay(50);
        }
    }
}
