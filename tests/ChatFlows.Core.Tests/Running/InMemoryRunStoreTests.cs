using System.Text.Json;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;
using Microsoft.Extensions.Time.Testing;

namespace ChatFlows.Core.Tests.Running;

/// <summary>The in-memory run store of the CLI and of tests keeps runs by their workflow's history policy too.</summary>
public sealed class InMemoryRunStoreTests
{
    private readonly ProbeNodes _probes = new();
    private readonly InMemoryRunStore _store = new();

    [Fact]
    public async Task RunChangedAsync_ErrorsPolicy_KeepsTheFailureAndTheWaitingRunOnly()
    {
        _probes.On("a", context => context.Request.Trigger.TryGetProperty("fail", out _) ? throw new NodeException("Boom.")
            : context.Request.Trigger.TryGetProperty("wait", out _) && context.ResumedBookmark is null ? NodeResult.Wait("go")
            : NodeResult.Success());
        var engine = new WorkflowEngine(_probes.Registry, _store, new FakeTimeProvider());
        var plan = engine.Compile(Workflows.Build(["a"], ["start->a"]) with { History = HistoryPolicies.Errors });

        var succeeded = await engine.StartAsync(plan, new RunRequest { Trigger = JsonDocument.Parse("{}").RootElement.Clone() });
        var failed = await engine.StartAsync(plan, new RunRequest { Trigger = JsonDocument.Parse("""{"fail": 1}""").RootElement.Clone() });
        var waiting = await engine.StartAsync(plan, new RunRequest { Trigger = JsonDocument.Parse("""{"wait": 1}""").RootElement.Clone() });

        Assert.Equal(RunStatus.Succeeded, succeeded.Status);
        Assert.Null(_store.Find(succeeded.Id));
        Assert.Equal(RunStatus.Failed, _store.Find(failed.Id)?.Status);
        Assert.Equal(RunStatus.Waiting, _store.Find(waiting.Id)?.Status);

        var resumed = await engine.ResumeAsync(waiting, new Resumption("go"));

        Assert.Equal(RunStatus.Succeeded, resumed.Status);
        Assert.Equal([failed.Id], _store.All.Select(r => r.Id));
    }
}
