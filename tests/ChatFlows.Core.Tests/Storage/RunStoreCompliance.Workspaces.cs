using ChatFlows.Core.Running;
using ChatFlows.Core.Storage;
using ChatFlows.Core.Tests.Running;

namespace ChatFlows.Core.Tests.Storage;

/// <summary>Runs in workspaces (README §Workspaces and roles): a run keeps its workflow's workspace and lists by it.</summary>
public abstract partial class RunStoreCompliance
{
    [Fact]
    public async Task ListAsync_WorkspaceFilter_ListsOnlyThatWorkspacesRunsAndEachRunKeepsItsWorkspace()
    {
        var inDefault = Plan(["a"], ["start->a"]);
        var inHr = WorkflowPlan.Compile(Workflows.Build(["a"], ["start->a"]) with { Id = "payroll", Workspace = "hr" }, _probes.Registry);
        var first = NewRun(inDefault);
        var hrRun = NewRun(inHr);
        var last = NewRun(inDefault);
        foreach (var run in new[] { first, hrRun, last }) await _store.EnqueueAsync(run, null, default);
        await Engine().ContinueAsync(hrRun);

        var hr = await _store.ListAsync(new RunQuery(Workspace: "hr"));
        var defaults = await _store.ListAsync(new RunQuery(Workspace: "default"));
        var all = await _store.ListAsync(new RunQuery());

        Assert.Equal([hrRun.Id], hr.Items.Select(r => r.Id));
        Assert.Equal("hr", hr.Items[0].Workspace);
        // Newest first; run ids made in the same millisecond order by their random part.
        Assert.Equal(new[] { first.Id, last.Id }.OrderDescending(StringComparer.Ordinal), defaults.Items.Select(r => r.Id));
        Assert.All(defaults.Items, r => Assert.Equal("default", r.Workspace));
        Assert.Equal(3, all.Items.Count);
        Assert.Equal("hr", (await _store.GetAsync(hrRun.Id))!.Workspace);
    }
}
