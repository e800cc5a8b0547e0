using ChatFlows.Core.Tests.Agents;

namespace ChatFlows.Bot.Tests.Agents;

/// <summary>
/// The release-notes sample through the real executable against a local OpenAI-compatible server, configured only
/// by environment variables, as the README shows for Ollama.
/// </summary>
public sealed class ReleaseNotesSampleTests : IAsyncLifetime
{
    private const string Notes = "*api — 24 Nov 2026*\n• Search is faster\n• Login no longer times out";
    private FakeModelServer _model = null!;

    public async Task InitializeAsync()
    {
        _model = await FakeModelServer.StartAsync();
        _model.Reply = request => request.Index == 0
            ? ModelReply.ToolCalls(120, 15, ("call_1", "current_time", "{}"))
            : FakeModelServer.AfterToolResult(request, "call_1", ModelReply.Answer(Notes, 160, 40));
    }

    public async Task DisposeAsync() => await _model.DisposeAsync();

    [Fact]
    public async Task Run_ReleaseNotesApproved_AgentCallsItsToolAndTheApprovedDraftIsPosted()
    {
        var result = await CliProcess.RunAsync(Environment(), "run", "release-notes", "service=api", "changes=faster search; login timeout fixed", "--approve");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(result.StdoutLines, line => line.Contains("approved by slack:U0LEAD0001", StringComparison.Ordinal));
        Assert.Contains(result.StdoutLines, line => line.Contains("💬 playground:cli ← post", StringComparison.Ordinal));
        Assert.Contains(result.StdoutLines, line => line.Contains("│ • Login no longer times out", StringComparison.Ordinal));

        Assert.Equal(2, _model.Requests.Count);
        var first = _model.Requests[0];
        Assert.Equal(["current_time"], first.ToolNames);
        Assert.Equal("system", first.Messages[0].GetProperty("role").GetString());
        Assert.Contains("release notes", first.Messages[0].GetProperty("content").GetString(), StringComparison.Ordinal);
        Assert.Contains("faster search; login timeout fixed", first.Messages[1].GetProperty("content").GetString(), StringComparison.Ordinal);
        Assert.Equal("llama3.1", first.Body.GetProperty("model").GetString());
    }

    [Fact]
    public async Task Run_ReleaseNotesWithoutModel_FailsAtTheAgentNamingTheKeys()
    {
        var result = await CliProcess.RunAsync("run", "release-notes", "--approve");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains(result.StdoutLines, line => line.StartsWith("✖ failed", StringComparison.Ordinal) && line.Contains("ChatFlows:Models:", StringComparison.Ordinal));
        Assert.Empty(_model.Requests);
    }

    private Dictionary<string, string> Environment() => new()
    {
        ["ChatFlows__Models__local__Provider"] = "openai-compatible",
        ["ChatFlows__Models__local__Model"] = "llama3.1",
        ["ChatFlows__Models__local__Endpoint"] = _model.Endpoint,
    };
}
