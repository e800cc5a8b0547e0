using ChatFlows.Core.Agents;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Nodes;
using Microsoft.Extensions.Time.Testing;
using Microsoft.SemanticKernel;

namespace ChatFlows.Core.Tests.Agents;

/// <summary>Tools that come from a source rather than the catalog: how agents are checked with them and how they are called.</summary>
[Collection(ModelServerCollection.Name)]
public sealed class AgentToolSourceTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 5, 9, 0, 0, TimeSpan.Zero));
    private readonly OrdersSource _source = new();
    private FakeModelServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeModelServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task RunAsync_EntryOwnedBySource_ModelSeesAndCallsItsFunction()
    {
        using var runner = new AgentRunner(
            new ModelProfiles(new Dictionary<string, ModelProfile> { ["local"] = AgentHarness.LocalProfile(_server) }), new AgentToolCatalog(_time), _time, sources: [_source]);
        _server.Reply = request => request.Index == 0
            ? ModelReply.ToolCalls(10, 5, ("call_1", "orders_lookup", """{"id":"A-7"}"""))
            : FakeModelServer.AfterToolResult(request, "call_1", ModelReply.Answer("A-7 has shipped.", 20, 5));

        var answer = await runner.RunAsync(AgentHarness.Summarizer("orders:lookup"), "Where is A-7?");

        Assert.Equal("A-7 has shipped.", answer.Text);
        Assert.Equal(["orders_lookup"], _server.Requests[0].ToolNames);
        var step = Assert.Single(answer.Steps);
        Assert.Equal("orders_lookup", step.Name);
        Assert.Equal("\"A-7: shipped\"", step.Result?.GetRawText());
    }

    [Fact]
    public async Task RunAsync_EntryNobodyOwns_FailsNamingTheTool()
    {
        using var runner = new AgentRunner(
            new ModelProfiles(new Dictionary<string, ModelProfile> { ["local"] = AgentHarness.LocalProfile(_server) }), new AgentToolCatalog(_time), _time);

        var error = await Assert.ThrowsAsync<NodeException>(() => runner.RunAsync(AgentHarness.Summarizer("orders:lookup"), "Where is A-7?"));

        Assert.StartsWith("Agent 'summarizer' may use tool 'orders:lookup', which this host does not offer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidateAsync_SourceEntries_AreTheSourcesToCheck()
    {
        var validator = new AgentValidator([], [AgentToolCatalog.CurrentTime], sources: [_source]);

        var problems = await validator.ValidateAsync(AgentHarness.Summarizer("orders:lookup", "orders:refund", "current_time") with { Confirm = ["orders:refund", "http_get"] });

        Assert.Equal(
            [new ValidationProblem("confirm/1", "'http_get' is not one of the agent's tools; list it under tools first."), new ValidationProblem("tools/1", "orders:refund does not exist.")],
            problems.OrderBy(p => p.Path, StringComparer.Ordinal));
    }

    [Fact]
    public async Task ValidateAsync_WithoutTheSource_EntryIsNotATool()
    {
        var validator = new AgentValidator([], [AgentToolCatalog.CurrentTime]);

        var problem = Assert.Single(await validator.ValidateAsync(AgentHarness.Summarizer("orders:lookup")));

        Assert.Equal("tools/0", problem.Path);
    }

    private sealed class OrdersSource : IAgentToolSource
    {
        public bool Owns(string entry) => entry.StartsWith("orders:", StringComparison.Ordinal);

        public ValueTask<IReadOnlyList<AgentToolInfo>> ListAsync(CancellationToken ct) =>
            ValueTask.FromResult<IReadOnlyList<AgentToolInfo>>([new("orders:lookup", "Looks an order up.")]);

        public ValueTask<IReadOnlyList<ValidationProblem>> CheckAsync(AgentDefinition agent, CancellationToken ct) =>
            ValueTask.FromResult<IReadOnlyList<ValidationProblem>>(agent.Tools
                .Select((entry, i) => (entry, i))
                .Where(t => Owns(t.entry) && t.entry != "orders:lookup")
                .Select(t => new ValidationProblem($"tools/{t.i}", $"{t.entry} does not exist."))
                .ToArray());

        public ValueTask<IReadOnlyList<AgentFunction>> FunctionsAsync(AgentDefinition agent, AgentToolContext? context, CancellationToken ct) =>
            ValueTask.FromResult<IReadOnlyList<AgentFunction>>(agent.Tools.Contains("orders:lookup")
                ? [new("orders:lookup", KernelFunctionFactory.CreateFromMethod((string id) => $"{id}: shipped", functionName: "orders_lookup", description: "Looks an order up."))]
                : []);
    }
}
