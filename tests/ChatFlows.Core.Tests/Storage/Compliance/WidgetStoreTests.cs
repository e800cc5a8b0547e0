using System.Text.Json;
using ChatFlows.Core.Storage;
using ChatFlows.Core.Tests.Fixtures;
using ChatFlows.Core.Widgets;

namespace ChatFlows.Core.Tests.Storage.Compliance;

/// <summary>The widget store's behaviour, the same on every database.</summary>
public abstract class WidgetStoreTests(StorageProvider provider) : StoreCompliance(provider)
{
    private static readonly DateTimeOffset Nine = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private DatabaseWidgetStore Store => new(Database);

    [Fact]
    public async Task SetAsync_NumberTwice_ListsTheLatestWithThePreviousValueAndTheRunThatSetIt()
    {
        await Store.SetAsync(Number("open-issues", 12, "run-1", Nine));
        await Store.SetAsync(Number("open-issues", 9, "run-2", Nine.AddMinutes(1)));

        var widget = Assert.Single(await Store.ListAsync());

        Assert.Equal(("open-issues", "Open issues", 9.0, 12.0), (widget.Name, widget.Title, widget.Value.GetDouble(), widget.Previous));
        Assert.Equal(("run-2", "issues-flow", "count", Nine.AddMinutes(1)), (widget.RunId, widget.WorkflowId, widget.NodeId, widget.UpdatedAt));
        Assert.Empty(widget.History);
    }

    [Fact]
    public async Task SetAsync_SameRunAndNodeAgain_AddsNothingAndReturnsFalse()
    {
        var first = await Store.SetAsync(Series("latency", 120, "run-1", Nine));

        var again = await Store.SetAsync(Series("latency", 120, "run-1", Nine.AddSeconds(5)));

        Assert.True(first);
        Assert.False(again);
        var widget = (await Store.GetAsync("latency"))!;
        Assert.Equal([(Nine, 120.0)], widget.History.Select(p => (p.At, p.Value.GetDouble())));
    }

    [Fact]
    public async Task SetAsync_SeriesPointsFromSeveralRuns_AreListedOldestFirst()
    {
        await Store.SetAsync(Series("latency", 120, "run-2", Nine.AddMinutes(1)));
        await Store.SetAsync(Series("latency", 80, "run-1", Nine));
        await Store.SetAsync(Series("latency", 95, "run-3", Nine.AddMinutes(2)));

        var widget = Assert.Single(await Store.ListAsync());

        Assert.Equal([80.0, 120.0, 95.0], widget.History.Select(p => p.Value.GetDouble()));
        Assert.Equal(["run-1", "run-2", "run-3"], widget.History.Select(p => p.RunId));
    }

    [Fact]
    public async Task SetAsync_SeriesSetAsAWhole_ReplacesThePoints()
    {
        await Store.SetAsync(Series("latency", 120, "run-1", Nine));

        await Store.SetAsync(Series("latency", 0, "run-2", Nine) with
        {
            Points = [(Nine.AddHours(-2), 1), (Nine.AddHours(-1), 2)],
            ReplacesPoints = true,
        });

        var widget = (await Store.GetAsync("latency"))!;
        Assert.Equal([1.0, 2.0], widget.History.Select(p => p.Value.GetDouble()));
    }

    [Fact]
    public async Task SetAsync_TypeChanges_RestartsTheHistory()
    {
        await Store.SetAsync(Number("status", 1, "run-1", Nine));
        await Store.SetAsync(Number("status", 2, "run-2", Nine.AddMinutes(1)));

        await Store.SetAsync(Number("status", 0, "run-3", Nine.AddMinutes(2)) with { Type = WidgetTypes.Text, Value = JsonSerializer.SerializeToElement("**green**") });

        var widget = (await Store.GetAsync("status"))!;
        Assert.Equal(WidgetTypes.Text, widget.Type);
        Assert.Equal(["\"**green**\""], widget.History.Select(p => p.Value.GetRawText()));
        Assert.Null(widget.Previous);
    }

    [Fact]
    public async Task SetAsync_MoreThanTheHistoryLimit_KeepsTheNewest()
    {
        for (var i = 0; i < IWidgetStore.HistoryLimit + 3; i++) await Store.SetAsync(Series("ticks", i, $"run-{i}", Nine.AddMinutes(i)));

        var widget = (await Store.GetAsync("ticks"))!;

        Assert.Equal(IWidgetStore.HistoryLimit, widget.History.Count);
        Assert.Equal(3.0, widget.History[0].Value.GetDouble());
        Assert.Equal(IWidgetStore.HistoryLimit + 2.0, widget.History[^1].Value.GetDouble());
    }

    [Fact]
    public async Task DeleteAsync_ExistingThenMissing_TrueThenFalseAndTheHistoryGoes()
    {
        await Store.SetAsync(Number("open-issues", 12, "run-1", Nine));

        Assert.True(await Store.DeleteAsync("open-issues"));
        Assert.False(await Store.DeleteAsync("open-issues"));
        Assert.Null(await Store.GetAsync("open-issues"));

        await Store.SetAsync(Number("open-issues", 3, "run-2", Nine));
        Assert.Null((await Store.GetAsync("open-issues"))!.Previous);
    }

    [Fact]
    public async Task SetAsync_NameOfAnotherWorkspacesWidget_IsRefusedAndChangesNothing()
    {
        await Store.SetAsync(Number("open-issues", 12, "run-1", Nine) with { Workspace = "hr" });

        var refused = await Assert.ThrowsAsync<WidgetTakenException>(() => Store.SetAsync(Number("open-issues", 99, "run-2", Nine) with { Workspace = "ops" }));

        Assert.DoesNotContain("hr", refused.Message, StringComparison.Ordinal);
        var kept = (await Store.GetAsync("open-issues"))!;
        Assert.Equal(("hr", 12.0), (kept.Workspace, kept.Value.GetDouble()));
        Assert.Equal(["open-issues"], (await Store.ListAsync("hr")).Select(w => w.Name));
        Assert.Empty(await Store.ListAsync("ops"));
    }

    private static WidgetUpdate Number(string name, double value, string runId, DateTimeOffset at) => new()
    {
        Name = name,
        Title = "Open issues",
        Type = WidgetTypes.Number,
        Value = JsonSerializer.SerializeToElement(value),
        At = at,
        RunId = runId,
        WorkflowId = "issues-flow",
        NodeId = "count",
    };

    private static WidgetUpdate Series(string name, double value, string runId, DateTimeOffset at) =>
        Number(name, value, runId, at) with { Type = WidgetTypes.Series, Points = [(at, value)] };
}

public sealed class SqliteWidgetStoreTests() : WidgetStoreTests(StorageProvider.Sqlite);

public sealed class PostgresWidgetStoreTests() : WidgetStoreTests(StorageProvider.Postgres);
