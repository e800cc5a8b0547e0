using ChatFlows.Core.Agents;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Knowledge;
using ChatFlows.Core.Tests.Agents;

namespace ChatFlows.Core.Tests.Knowledge;

/// <summary>Agents with knowledge: the <c>search_knowledge</c> tool they get, and how they are checked.</summary>
[Collection(ModelServerCollection.Name)]
public sealed class KnowledgeToolSourceTests : IAsyncLifetime
{
    private KnowledgeHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await KnowledgeHarness.StartAsync();

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task RunAsync_AgentWithKnowledge_SearchesAndItsAnswerCitesTheSource()
    {
        await _harness.RunbookAsync(
            ("disk.md", "# Disk full\n\nWhen the database disk is full, delete old WAL archives."),
            ("memory.md", "# Memory\n\nWhen the API runs out of memory, restart the pods."));
        using var runner = new AgentRunner(_harness.Profiles, new AgentToolCatalog(_harness.Time), _harness.Time, sources: [new KnowledgeToolSource(_harness.Bases)]);
        string? toolResult = null;
        _harness.Server.Reply = request =>
        {
            if (request.Index == 0) return ModelReply.ToolCalls(30, 8, ("call_1", "search_knowledge", """{"query":"database disk full","top":1}"""));
            toolResult = request.Messages.Last(m => m.GetProperty("role").GetString() == "tool").GetProperty("content").GetString();
            return FakeModelServer.AfterToolResult(request, "call_1", ModelReply.Answer("Delete old WAL archives (source: disk.md).", 60, 12));
        };

        var answer = await runner.RunAsync(AgentHarness.Summarizer() with { Knowledge = ["runbook"] }, "The database disk is full, what now?");

        Assert.Equal("Delete old WAL archives (source: disk.md).", answer.Text);
        Assert.Contains("search_knowledge", _harness.Server.Requests[0].ToolNames);
        Assert.NotNull(toolResult);
        Assert.Contains("\"source\":\"disk.md\"", toolResult, StringComparison.Ordinal);
        Assert.DoesNotContain("memory.md\"", toolResult, StringComparison.Ordinal);
        Assert.Contains("Cite the source of each fact you use, like (source: disk.md)", toolResult, StringComparison.Ordinal);
        Assert.Equal("search_knowledge", Assert.Single(answer.Steps).Name);
    }

    [Fact]
    public async Task ValidateAsync_UnknownKnowledgeBase_IsAProblemAtItsPath()
    {
        await _harness.RunbookAsync();
        var validator = new AgentValidator([], [AgentToolCatalog.CurrentTime], sources: [new KnowledgeToolSource(_harness.Bases)]);

        var problems = await validator.ValidateAsync(AgentHarness.Summarizer() with { Knowledge = ["runbook", "handbook", "Bad Id"] });

        Assert.Equal(["knowledge/1", "knowledge/2"], problems.Select(p => p.Path));
        Assert.Equal("There is no knowledge base 'handbook'; create it on the Knowledge page first, or remove it.", problems[0].Message);
    }

    [Fact]
    public async Task FunctionsAsync_AgentWithoutKnowledge_GetsNoSearch()
    {
        var functions = await new KnowledgeToolSource(_harness.Bases).FunctionsAsync(AgentHarness.Summarizer(), null, default);

        Assert.Empty(functions);
        Assert.Empty(await new AgentValidator([], [AgentToolCatalog.CurrentTime], sources: [new KnowledgeToolSource(_harness.Bases)]).ValidateAsync(AgentHarness.Summarizer()));
    }
}
