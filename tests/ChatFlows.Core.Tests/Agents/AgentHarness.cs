using System.Text.Json;
using ChatFlows.Core.Agents;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;
using ChatFlows.Core.Tests.Running;
using Microsoft.Extensions.Time.Testing;

namespace ChatFlows.Core.Tests.Agents;

/// <summary>
/// An engine with the built-in nodes, an in-memory agent store and an agent runner whose <c>local</c> profile
/// points at a fake model server on loopback. The clock is fake and stands still unless a test moves it.
/// </summary>
internal sealed class AgentHarness : IAsyncDisposable
{
    public const decimal InputPrice = 2.50m;
    public const decimal OutputPrice = 10m;

    private AgentHarness(FakeModelServer server, Dictionary<string, ModelProfile>? profiles, bool withRunner, bool withStore)
    {
        Server = server;
        Tools = new AgentToolCatalog(Time);
        profiles ??= new() { ["local"] = LocalProfile(server) };
        Runner = new AgentRunner(new ModelProfiles(profiles), Tools, Time);
        Options = new BuiltInNodeOptions { Agents = withStore ? Agents : null, AgentRunner = withRunner ? Runner : null };
        Engine = new WorkflowEngine(NodeRegistry.CreateDefault(Options), new InMemoryRunStore(), Time);
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));

    public FakeModelServer Server { get; }

    public InMemoryAgentStore Agents { get; } = new();

    public AgentToolCatalog Tools { get; }

    public AgentRunner Runner { get; }

    public BuiltInNodeOptions Options { get; }

    public WorkflowEngine Engine { get; }

    /// <param name="profiles">The model profiles; null for one <c>local</c> openai-compatible profile at the fake server, with prices.</param>
    /// <param name="withRunner">False to leave <see cref="BuiltInNodeOptions.AgentRunner"/> unset, as a host without models would.</param>
    /// <param name="withStore">False to leave <see cref="BuiltInNodeOptions.Agents"/> unset.</param>
    public static async Task<AgentHarness> StartAsync(
        Func<FakeModelServer, Dictionary<string, ModelProfile>>? profiles = null, bool withRunner = true, bool withStore = true)
    {
        var server = await FakeModelServer.StartAsync();
        return new AgentHarness(server, profiles?.Invoke(server), withRunner, withStore);
    }

    public static ModelProfile LocalProfile(FakeModelServer server) => new()
    {
        Provider = ModelProviders.OpenAICompatible,
        Model = "llama3.1",
        Endpoint = server.Endpoint,
        InputPricePerMillionTokens = InputPrice,
        OutputPricePerMillionTokens = OutputPrice,
    };

    /// <summary>A summarizer agent allowed <c>current_time</c>.</summary>
    public static AgentDefinition Summarizer(params string[] tools) => new()
    {
        Id = "summarizer",
        Name = "Summarizer",
        Instructions = "You answer in one short sentence.",
        Temperature = 0.2,
        MaxOutputTokens = 300,
        Tools = tools.Length == 0 ? [AgentToolCatalog.CurrentTime] : tools,
    };

    /// <summary>An agent node as JSON; <paramref name="more"/> adds config fields, e.g. <c>"maxToolRounds": 2</c>.</summary>
    public static string AgentNode(string id, string agent, string input, string more = "")
    {
        var extra = more.Length > 0 ? ", " + more : "";
        return $$$"""{"id": "{{{id}}}", "type": "agent", "config": {"agent": "{{{agent}}}", "input": {{{JsonSerializer.Serialize(input)}}}{{{extra}}}}}""";
    }

    /// <summary>start → one agent node <c>sum</c> asking <paramref name="agent"/>.</summary>
    public static WorkflowDocument SingleAgent(string agent = "summarizer", string input = "What time is it in {{ trigger.city }}?", string more = "") =>
        Workflows.Build([AgentNode("sum", agent, input, more)], ["start->sum"]);

    public Task<RunState> RunAsync(WorkflowDocument document, string trigger = """{"city": "Berlin"}""", string? startedBy = null, string? thread = null) =>
        Engine.StartAsync(Engine.Compile(document), new RunRequest { Trigger = JsonElement.Parse(trigger), StartedBy = startedBy, Thread = thread });

    /// <summary>The first request asks for <c>current_time</c> in Berlin; the second, once it carries the tool result, gets the answer.</summary>
    public void ReplyWithCurrentTimeThenAnswer(string answer = "It is 10:00 in Berlin.") =>
        Server.Reply = request => request.Index == 0
            ? ModelReply.ToolCalls(50, 10, ("call_1", AgentToolCatalog.CurrentTime, """{"timeZone":"Europe/Berlin"}"""))
            : FakeModelServer.AfterToolResult(request, "call_1", ModelReply.Answer(answer, 70, 20));

    public async ValueTask DisposeAsync()
    {
        Runner.Dispose();
        await Server.DisposeAsync();
    }
}
