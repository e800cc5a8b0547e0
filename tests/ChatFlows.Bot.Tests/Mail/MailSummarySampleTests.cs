using System.Diagnostics;
using System.Text.Json;
using ChatFlows.Bot.Tests.Agents;
using ChatFlows.Core.Tests.Agents;

namespace ChatFlows.Bot.Tests.Mail;

/// <summary>
/// The seeded mail-summary sample end to end: mail to the team-mail inbox, the summariser agent (a local model
/// server), the approval card in the playground channel 'mail', the approved (edited) reply sent back to the sender.
/// </summary>
[Collection(MailCollection.Name)]
public sealed class MailSummarySampleTests(MailServers servers) : IAsyncLifetime
{
    private readonly string _team = MailServers.NewAddress("team");
    private ModelHost _host = null!;

    public async Task InitializeAsync()
    {
        var settings = servers.ConnectionSettings("team-mail", _team);
        settings["ChatFlows:Samples:Seed"] = "true";
        _host = await ModelHost.StartAsync(settings);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task MailSummarySample_MailArrivesAndTheReplyIsApproved_SendsTheEditedReplyToTheSender()
    {
        _host.Model.Reply = _ => ModelReply.Answer("Summary: Dana asks for the Q3 invoice.\n\nReply: Hi Dana, the invoice is on its way.", 200, 40);
        using (var created = await _host.Client.PostAsync("/playground/api/channels", new StringContent("""{"name": "mail"}""", System.Text.Encoding.UTF8, "application/json")))
        {
            Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        }
        await MailHostRuns.WaitForCursorAsync(_host.DatabasePath, "team-mail");
        var dana = MailServers.NewAddress("dana");

        await servers.DeliverAsync(MailServers.Message(dana, _team, "Invoice?", "Could you send me the Q3 invoice?"));
        var runs = await MailHostRuns.WaitForRunsAsync(_host.Client, "mail-summary", 1);
        var runId = runs[0].GetProperty("id").GetString()!;
        var waiting = await WaitForStatusAsync(runId, "waiting");

        Assert.Equal("Hi Dana, the invoice is on its way.", waiting.GetProperty("data").GetProperty("summarise").GetString()!.Split("Reply:")[1].Trim());
        var prompt = Assert.Single(_host.Model.Requests).Messages[^1].GetProperty("content").GetString();
        Assert.Contains("Subject: Invoice?", prompt, StringComparison.Ordinal);
        Assert.Contains("Could you send me the Q3 invoice?", prompt, StringComparison.Ordinal);
        await WaitForCardAsync("Send the reply below?");

        using (var decided = await _host.Client.PostAsync(
            $"/api/runs/{runId}/decisions",
            new StringContent(JsonSerializer.Serialize(new { decision = "approve", by = "playground:lead", draft = "Hi Dana, the **Q3 invoice** is attached." }), System.Text.Encoding.UTF8, "application/json")))
        {
            Assert.True(decided.IsSuccessStatusCode, await decided.Content.ReadAsStringAsync());
        }
        var finished = await WaitForStatusAsync(runId, "succeeded", "failed");

        Assert.Equal("succeeded", finished.GetProperty("status").GetString());
        var reply = Assert.Single(await servers.WaitForMessagesAsync(dana));
        Assert.Equal("Re: Invoice?", reply.Subject);
        Assert.Equal(_team, reply.From.Mailboxes.Single().Address);
        Assert.Equal("Hi Dana, the **Q3 invoice** is attached.", reply.TextBody!.Trim());
        Assert.Contains("<strong>Q3 invoice</strong>", reply.HtmlBody!, StringComparison.Ordinal);
        Assert.DoesNotContain(MailServers.Password, finished.GetRawText(), StringComparison.Ordinal);
    }

    // The run's cards are posted to the playground channel 'mail' (the trigger's channel) as they change.
    private async Task WaitForCardAsync(string text)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var channel = await _host.Client.GetStringAsync("/playground/api/channels/mail/messages");
            if (channel.Contains(text, StringComparison.Ordinal)) return;
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"The channel 'mail' shows no card with '{text}': {channel}");
            await Task.Delay(50);
        }
    }

    private async Task<JsonElement> WaitForStatusAsync(string runId, params string[] statuses)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var run = JsonElement.Parse(await _host.Client.GetStringAsync($"/api/runs/{runId}"));
            if (statuses.Contains(run.GetProperty("status").GetString())) return run;
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"Run {runId} is not {string.Join(" or ", statuses)}: {run}");
            await Task.Delay(50);
        }
    }
}
