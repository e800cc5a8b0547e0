using System.Text.Json;
using ChatFlows.Core.Running;
using ChatFlows.Core.Storage;
using ChatFlows.Core.Tests.Fixtures;

namespace ChatFlows.Core.Tests.Storage.Compliance;

/// <summary>The approval journal's behaviour, the same on every database.</summary>
public abstract class ApprovalLogTests(StorageProvider provider) : StoreCompliance(provider)
{
    private static readonly DateTimeOffset Nine = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private DatabaseApprovalLog Log => new(Database);

    private static ApprovalEvent Vote(string runId, string nodeId, string who, DateTimeOffset at, string decision = "approved") =>
        new(runId, nodeId, $"vote:{who}", ApprovalEventKinds.Vote, who, at, JsonSerializer.SerializeToElement(new { decision, comment = "ok" }));

    [Fact]
    public async Task AppendAsync_SameKeyTwice_KeepsTheFirstAndReturnsFalse()
    {
        var first = await Log.AppendAsync(Vote("run-1", "ok", "slack:U1", Nine));

        var again = await Log.AppendAsync(Vote("run-1", "ok", "slack:U1", Nine.AddMinutes(1), "rejected"));

        Assert.True(first);
        Assert.False(again);
        var entry = Assert.Single(await Log.ListAsync("run-1", "ok"));
        Assert.Equal(("vote:slack:U1", "vote", "slack:U1", Nine), (entry.Key, entry.Kind, entry.Actor, entry.At));
        Assert.Equal("approved", entry.Data.GetProperty("decision").GetString());
    }

    [Fact]
    public async Task ListAsync_PerApprovalAndPerRun_OldestFirst()
    {
        await Log.AppendAsync(Vote("run-1", "ok", "slack:U2", Nine.AddMinutes(2)));
        await Log.AppendAsync(new ApprovalEvent("run-1", "ok", "reminder:1", ApprovalEventKinds.Reminder, ApprovalEventKinds.System, Nine.AddMinutes(1), JsonSerializer.SerializeToElement(new { slot = 1 })));
        await Log.AppendAsync(Vote("run-1", "second", "slack:U1", Nine));
        await Log.AppendAsync(Vote("run-2", "ok", "slack:U1", Nine));

        Assert.Equal(["reminder:1", "vote:slack:U2"], (await Log.ListAsync("run-1", "ok")).Select(e => e.Key));
        Assert.Equal([("second", "vote:slack:U1"), ("ok", "reminder:1"), ("ok", "vote:slack:U2")], (await Log.ListAsync("run-1")).Select(e => (e.NodeId, e.Key)));
    }

    [Fact]
    public async Task DeleteRunsAsync_ForgetsOnlyThoseRuns()
    {
        await Log.AppendAsync(Vote("run-1", "ok", "slack:U1", Nine));
        await Log.AppendAsync(Vote("run-2", "ok", "slack:U1", Nine));

        await Log.DeleteRunsAsync(["run-1"]);

        Assert.Empty(await Log.ListAsync("run-1"));
        Assert.Single(await Log.ListAsync("run-2"));
    }
}

public sealed class SqliteApprovalLogTests() : ApprovalLogTests(StorageProvider.Sqlite);

public sealed class PostgresApprovalLogTests() : ApprovalLogTests(StorageProvider.Postgres);
