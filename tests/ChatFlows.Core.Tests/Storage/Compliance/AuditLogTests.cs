using ChatFlows.Core.Audit;
using ChatFlows.Core.Storage;
using ChatFlows.Core.Storage.Postgres;
using ChatFlows.Core.Storage.Relational;
using ChatFlows.Core.Tests.Fixtures;

namespace ChatFlows.Core.Tests.Storage.Compliance;

/// <summary>The audit log's behaviour, the same on every database (README §Audit log).</summary>
public abstract class AuditLogTests(StorageProvider provider) : StoreCompliance(provider)
{
    private static readonly DateTimeOffset Nine = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private DatabaseAuditLog Log => new(Database);

    private RelationalRunStore RunStore() => Database switch
    {
        SqliteDatabase sqlite => new SqliteRunStore(sqlite, TimeProvider.System),
        PostgresDatabase postgres => new PostgresRunStore(postgres, TimeProvider.System),
        _ => throw new InvalidOperationException($"No run store for {Database.GetType().Name}."),
    };

    [Fact]
    public async Task AppendAsync_ThenList_ReadsBackEveryFieldNewestFirstWithRisingIds()
    {
        var first = await Log.AppendAsync(Entry("workflow.saved", "deploy", Nine, detail: "created version 1", address: "192.0.2.7"));
        var second = await Log.AppendAsync(Entry("workflow.deleted", "deploy", Nine.AddMinutes(1), detail: null, address: null));

        var page = await Log.ListAsync(new AuditQuery());

        Assert.True(second.Id > first.Id, $"{second.Id} after {first.Id}");
        Assert.Equal([second, first], page.Items);
        Assert.Equal(
            (Nine, "default", "email:ana@corp.example", "canvas", "workflow.saved", "deploy", "created version 1", "192.0.2.7"),
            (page.Items[1].At, page.Items[1].Workspace, page.Items[1].Actor, page.Items[1].Surface, page.Items[1].Action, page.Items[1].Target, page.Items[1].Detail, page.Items[1].Address));
        Assert.Null(page.Next);
    }

    [Fact]
    public async Task AppendAsync_ThroughTheRunJournal_IsListedOnceItReturns()
    {
        await using var runs = RunStore();
        var log = new DatabaseAuditLog(Database, runs);

        await log.AppendAsync(Entry("run.started", "run-1", Nine, detail: "workflow deploy", address: "192.0.2.7") with { Actor = "webhook", Surface = "webhook" });
        await log.AppendAsync(Entry("run.started", "run-2", Nine.AddSeconds(1)) with { Actor = "webhook", Surface = "webhook" });
        var page = await Log.ListAsync(new AuditQuery(Actor: "webhook"));

        Assert.Equal(["run-2", "run-1"], page.Items.Select(e => e.Target));
        Assert.True(page.Items[0].Id > page.Items[1].Id, $"{page.Items[0].Id} after {page.Items[1].Id}");
        Assert.Equal((Nine, "webhook", "workflow deploy", "192.0.2.7"), (page.Items[1].At, page.Items[1].Surface, page.Items[1].Detail, page.Items[1].Address));
    }

    [Fact]
    public async Task ListAsync_Filters_MatchWorkspaceActorTargetAndActionExactlyOrByPrefix()
    {
        await Log.AppendAsync(Entry("workflow.saved", "deploy", Nine));
        await Log.AppendAsync(Entry("workflow.deleted", "deploy", Nine));
        await Log.AppendAsync(Entry("workflows.odd", "deploy", Nine));
        await Log.AppendAsync(Entry("run.started", "run-1", Nine) with { Actor = "slack:U012", Surface = "slack" });
        await Log.AppendAsync(Entry("workflow.saved", "deploy", Nine) with { Workspace = "hr" });

        Assert.Equal(["workflow.deleted", "workflow.saved"], await ActionsAsync(new AuditQuery(Workspace: "default", Action: "workflow.")));
        Assert.Equal(["workflow.saved"], await ActionsAsync(new AuditQuery(Workspace: "default", Action: "workflow.saved")));
        Assert.Equal(["run.started"], await ActionsAsync(new AuditQuery(Actor: "slack:U012")));
        Assert.Equal(["run.started"], await ActionsAsync(new AuditQuery(Target: "run-1")));
        Assert.Equal(["workflow.saved"], await ActionsAsync(new AuditQuery(Workspace: "hr")));
        Assert.Empty(await ActionsAsync(new AuditQuery(Workspace: "hr", Action: "run.")));
    }

    [Fact]
    public async Task ListAsync_FromAndTo_IncludeFromAndExcludeTo()
    {
        await Log.AppendAsync(Entry("signin", "at-nine", Nine));
        await Log.AppendAsync(Entry("signin", "at-ten", Nine.AddHours(1)));
        await Log.AppendAsync(Entry("signin", "at-eleven", Nine.AddHours(2)));

        var page = await Log.ListAsync(new AuditQuery(From: Nine.AddHours(1), To: Nine.AddHours(2)));

        Assert.Equal(["at-ten"], page.Items.Select(e => e.Target));
    }

    [Fact]
    public async Task ListAsync_PagedByCursor_WalksEveryEntryOnceNewestFirst()
    {
        for (var i = 1; i <= 5; i++) await Log.AppendAsync(Entry("secret.set", $"S{i}", Nine.AddMinutes(i)));

        var seen = new List<string>();
        long? before = null;
        var pages = 0;
        do
        {
            var page = await Log.ListAsync(new AuditQuery(Before: before, Limit: 2));
            seen.AddRange(page.Items.Select(e => e.Target));
            before = page.Next;
            pages++;
        }
        while (before is not null);

        Assert.Equal(["S5", "S4", "S3", "S2", "S1"], seen);
        Assert.Equal(3, pages);
    }

    [Fact]
    public async Task PruneAsync_EntriesBeforeTheCutoff_AreDeletedAndLaterOnesStay()
    {
        await Log.AppendAsync(Entry("signin", "old", Nine));
        await Log.AppendAsync(Entry("signin", "cutoff", Nine.AddDays(1)));
        await Log.AppendAsync(Entry("signin", "new", Nine.AddDays(2)));

        var pruned = await Log.PruneAsync(Nine.AddDays(1));

        Assert.Equal(1, pruned);
        Assert.Equal(["new", "cutoff"], (await Log.ListAsync(new AuditQuery())).Items.Select(e => e.Target));
    }

    [Fact]
    public async Task AppendAsync_FromASecondInstance_IsListedByTheFirstWithItsOwnId()
    {
        var other = new DatabaseAuditLog(await SecondInstanceAsync());
        var mine = await Log.AppendAsync(Entry("run.started", "run-a", Nine));
        var theirs = await other.AppendAsync(Entry("run.started", "run-b", Nine));

        Assert.NotEqual(mine.Id, theirs.Id);
        Assert.Equal(["run-b", "run-a"], (await Log.ListAsync(new AuditQuery(Action: "run."))).Items.Select(e => e.Target));
    }

    private async Task<IReadOnlyList<string>> ActionsAsync(AuditQuery query) => (await Log.ListAsync(query)).Items.Select(e => e.Action).ToArray();

    private static AuditEntry Entry(string action, string target, DateTimeOffset at, string? detail = null, string? address = null) =>
        new(0, at, "default", "email:ana@corp.example", "canvas", action, target, detail, address);
}

public sealed class SqliteAuditLogTests() : AuditLogTests(StorageProvider.Sqlite);

public sealed class PostgresAuditLogTests() : AuditLogTests(StorageProvider.Postgres);
