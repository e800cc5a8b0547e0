using System.Text.Json;
using ChatFlows.Bot.Tests.Agents;
using ChatFlows.Core.Tests.Agents;

namespace ChatFlows.Bot.Tests.Mail;

/// <summary>The send_email agent tool on the real host, a local model server asking for it, and real mail servers.</summary>
[Collection(MailCollection.Name)]
public sealed class SendEmailToolTests(MailServers servers) : IAsyncLifetime
{
    private readonly string _sender = MailServers.NewAddress("agent");
    private ModelHost _host = null!;

    public async Task InitializeAsync()
    {
        var settings = servers.ConnectionSettings("agent-mail", _sender);
        foreach (var (key, value) in servers.ConnectionSettings("other-mail", MailServers.NewAddress("other"))) settings[key] = value;
        _host = await ModelHost.StartAsync(settings);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task SendEmail_ModelAsksTwiceWithTheSameArguments_SendsOnceAndRefusesAConnectionTheAgentDoesNotList()
    {
        var reader = MailServers.NewAddress("reader");
        var args = JsonSerializer.Serialize(new { connection = "agent-mail", to = reader, subject = "Weekly report", text = "**All** checks passed." });
        var elsewhere = JsonSerializer.Serialize(new { connection = "other-mail", to = reader, subject = "Sneaky", text = "no" });
        _host.Model.Reply = request => request.Index switch
        {
            0 => ModelReply.ToolCalls(10, 5, ("call_1", "send_email", args)),
            1 => FakeModelServer.AfterToolResult(request, "call_1", ModelReply.ToolCalls(10, 5, ("call_2", "send_email", args))),
            2 => FakeModelServer.AfterToolResult(request, "call_2", ModelReply.ToolCalls(10, 5, ("call_3", "send_email", elsewhere))),
            _ => FakeModelServer.AfterToolResult(request, "call_3", ModelReply.Answer("Sent the report.", 10, 5)),
        };
        await PostAsync("/api/agents", """
            {"id": "mailer", "name": "Mailer", "instructions": "Mail the weekly report.", "tools": ["send_email"], "connections": ["agent-mail"]}
            """);
        await PostAsync("/api/workflows", """
            {"id": "weekly-mail", "nodes": [
              {"id": "play", "type": "trigger", "config": {"kind": "manual"}},
              {"id": "ask", "type": "agent", "config": {"agent": "mailer", "input": "Send it."}}],
             "edges": [{"from": "play", "to": "ask"}]}
            """);

        var runId = (await PostAsync("/api/workflows/weekly-mail/runs", "{}")).GetProperty("runId").GetString();
        var run = await WaitForEndAsync(runId!);
        // A second message would have arrived before this one, sent after the run ended.
        await servers.DeliverAsync(MailServers.Message("marker@example.org", reader, "marker", "after"));
        var inbox = await servers.WaitForMessagesAsync(reader, 2);

        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        Assert.Equal(["Weekly report", "marker"], inbox.Select(m => m.Subject));
        Assert.Equal(_sender, inbox[0].From.Mailboxes.Single().Address);
        Assert.Contains("<strong>All</strong> checks passed.", inbox[0].HtmlBody!, StringComparison.Ordinal);
        var steps = run.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("nodeId").GetString() == "ask").GetProperty("steps").EnumerateArray().ToArray();
        Assert.Equal(3, steps.Length);
        Assert.Equal(inbox[0].MessageId, steps[0].GetProperty("result").GetProperty("messageId").GetString());
        Assert.Equal(inbox[0].MessageId, steps[1].GetProperty("result").GetProperty("messageId").GetString());
        Assert.Contains("Agent 'mailer' may not use connection 'other-mail'", steps[2].GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain(MailServers.Password, run.GetRawText(), StringComparison.Ordinal);
    }

    private async Task<JsonElement> WaitForEndAsync(string runId)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var run = JsonElement.Parse(await _host.Client.GetStringAsync($"/api/runs/{runId}"));
            if (run.GetProperty("status").GetString() is not ("queued" or "running")) return run;
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"Run {runId} did not end: {run}");
            await Task.Delay(50);
        }
    }

    private async Task<JsonElement> PostAsync(string path, string json)
    {
        using var response = await _host.Client.PostAsync(path, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {body}");
        return JsonElement.Parse(body);
    }
}
