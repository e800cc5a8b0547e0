using ChatFlows.Core.Documents;
using ChatFlows.Core.Running;
using ChatFlows.Core.Storage;
using ChatFlows.Core.Tests.Scheduling;
using Microsoft.Data.Sqlite;

namespace ChatFlows.Core.Tests.Running;

/// <summary>docs/semantics.md: an outside event (a mail message, a GitHub delivery) starts one run, whichever instance sees it.</summary>
public sealed class StartClaimTests : IAsyncLifetime
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"chatflows-claims-{Guid.NewGuid():N}.db");
    private TestInstance _first = null!;
    private TestInstance _second = null!;

    public async Task InitializeAsync()
    {
        _first = new TestInstance($"Data Source={_file}", TimeProvider.System);
        _second = new TestInstance($"Data Source={_file}", TimeProvider.System);
        await _first.Workflows.CreateAsync(WorkflowJson.Parse("""
            {"id": "claimed", "nodes": [{"id": "start", "type": "trigger", "config": {"kind": "manual"}}], "edges": []}
            """));
    }

    public async Task DisposeAsync()
    {
        await _first.DisposeAsync();
        await _second.DisposeAsync();
        SqliteConnection.ClearAllPools();
        File.Delete(_file);
    }

    [Fact]
    public async Task StartAsync_SameClaimOnTwoInstances_StartsOneRun()
    {
        var claim = new StartClaim("github:claimed", "delivery-72d3162e");
        var request = new RunRequest { StartedBy = "test" };

        var outcomes = await Task.WhenAll(
            new RunStarter(_first.Plans, _first.Workflows, _first.Queue, _first.Runs).StartAsync("claimed", request, new StartOptions { Claim = claim }),
            new RunStarter(_second.Plans, _second.Workflows, _second.Queue, _second.Runs).StartAsync("claimed", request, new StartOptions { Claim = claim }));

        var started = Assert.Single(outcomes, o => o.StartedRunId is not null);
        var refused = Assert.IsType<StartOutcome.Refused>(Assert.Single(outcomes, o => o.StartedRunId is null));
        Assert.Equal(StartProblemKind.AlreadyStarted, refused.Kind);
        Assert.Equal(started.StartedRunId, await _second.Runs.ClaimedRunAsync(claim));
        Assert.Null(await _first.Runs.ClaimedRunAsync(claim with { Key = "another-delivery" }));
    }
}
