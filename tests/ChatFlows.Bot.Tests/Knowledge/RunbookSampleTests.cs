using System.Diagnostics;
using System.Net;
using System.Text.Json;
using ChatFlows.Core.Tests.Agents;

namespace ChatFlows.Bot.Tests.Knowledge;

/// <summary>
/// The sample "Answer questions from our runbook" end to end in the Playground, on the real host with a local model
/// server: a question mentioning the bot is answered from the indexed runbook with its source, and a reply in the
/// thread continues the conversation with the thread as the agent's history.
/// </summary>
public sealed class RunbookSampleTests : IAsyncLifetime
{
    private const string Channel = "oncall";
    private const string FirstAnswer = "Delete WAL archives older than seven days, then check the disk again. (source: runbook.md)";
    private const string SecondAnswer = "Then watch the disk for an hour and open an incident if it grows again. (source: runbook.md)";

    private KnowledgeHost _host = null!;

    public async Task InitializeAsync() => _host = await KnowledgeHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Playground_QuestionThenReply_AnswersFromTheRunbookAndContinuesWithTheThreadAsHistory()
    {
        await _host.CreateBaseAsync();
        await _host.UploadAndWaitAsync("runbook", "runbook.md", KnowledgeHost.Runbook);
        await PostAsync("/api/agents", File.ReadAllText(Path.Combine(CliProcess.RepositoryRoot, "samples", "agents", "runbook-helper.json")));
        await PostAsync("/api/workflows", File.ReadAllText(Path.Combine(CliProcess.RepositoryRoot, "samples", "runbook-answers.json")));
        string? searched = null;
        _host.Host.Model.Reply = request =>
        {
            if (request.Index == 0) return ModelReply.ToolCalls(100, 10, ("call_1", "search_knowledge", """{"query": "database disk full"}"""));
            if (request.Index == 1)
            {
                searched = request.Messages.Last(m => m.GetProperty("role").GetString() == "tool").GetProperty("content").GetString();
                return FakeModelServer.AfterToolResult(request, "call_1", ModelReply.Answer(FirstAnswer, 300, 20));
            }
            return ModelReply.Answer(SecondAnswer, 400, 20);
        };
        await PostAsync("/playground/api/channels", JsonSerializer.Serialize(new { name = Channel }));

        var question = await PostMessageAsync("@ChatFlows runbook: the database disk is full, what now?");
        await WaitForReplyAsync(question, FirstAnswer);
        await PostMessageAsync("And after that?", question);
        await WaitForReplyAsync(question, SecondAnswer);

        Assert.Contains("Delete WAL archives older than seven days", searched, StringComparison.Ordinal);
        Assert.Contains("runbook.md", searched, StringComparison.Ordinal);
        // The reply's run sends the thread so far as history: the question, the first answer, then the reply as input.
        var conversation = _host.Host.Model.Requests[2].Messages
            .Where(m => m.GetProperty("role").GetString() is "user" or "assistant")
            .Select(m => (m.GetProperty("role").GetString(), m.GetProperty("content").GetString()))
            .ToArray();
        Assert.Equal(
            [("user", "runbook: the database disk is full, what now?"), ("assistant", FirstAnswer), ("user", "And after that?")],
            conversation);
    }

    private async Task<long> PostMessageAsync(string text, long? threadId = null)
    {
        var posted = await PostAsync($"/playground/api/channels/{Channel}/messages", JsonSerializer.Serialize(new { user = "ada", text, threadId }));
        return posted.GetProperty("message").GetProperty("id").GetInt64();
    }

    private async Task WaitForReplyAsync(long rootId, string text)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var thread = await _host.GetAsync($"/playground/api/messages/{rootId}/thread");
            var replies = thread.GetProperty("replies").EnumerateArray().ToArray();
            if (replies.Any(r => r.TryGetProperty("text", out var said) && said.GetString() == text)) return;
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"Thread {rootId} never got the reply '{text}': {thread}");
            await Task.Delay(50);
        }
    }

    private async Task<JsonElement> PostAsync(string path, string json)
    {
        using var response = await _host.Client.PostAsync(path, KnowledgeHost.Json(json));
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await KnowledgeHost.ReadAsync(response);
    }
}
