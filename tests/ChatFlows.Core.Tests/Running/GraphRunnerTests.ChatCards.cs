using ChatFlows.Core.Running;

namespace ChatFlows.Core.Tests.Running;

// What a run's events tell whoever keeps its chat cards (README §Chat cards): whether the run can have any.
public sealed partial class GraphRunnerTests
{
    [Theory]
    [InlineData("check:condition:true", null, false)]
    [InlineData("check:condition:true", "C42", true)]
    [InlineData("check:condition:true", "card:r1", true)]
    [InlineData("probe", null, true)]
    public async Task StartAsync_RunWithOrWithoutAThreadOrImpureNodes_SaysOnEveryEventWhetherItMayHaveChatCards(string node, string? thread, bool mayHaveCards)
    {
        var engine = Engine();
        using var events = engine.Events.Subscribe();

        var run = await engine.StartAsync(engine.Compile(Workflows.Build([node], [$"start->{node.Split(':')[0]}"])), new RunRequest { Thread = thread });
        var seen = new List<RunEvent>();
        while (events.Reader.TryRead(out var runEvent)) seen.Add(runEvent);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Contains(seen, e => e.Type == RunEventTypes.RunFinished);
        Assert.All(seen, e => Assert.Equal(mayHaveCards, e.MayHaveChatCards));
    }
}
