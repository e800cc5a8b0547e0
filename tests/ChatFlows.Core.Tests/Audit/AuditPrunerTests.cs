using ChatFlows.Core.Audit;
using ChatFlows.Core.Tests.Storage;
using Microsoft.Extensions.Time.Testing;

namespace ChatFlows.Core.Tests.Audit;

/// <summary>README §Audit log: entries are kept for ChatFlows:Audit:RetainFor, pruned on the audit log's own clock.</summary>
public sealed class AuditPrunerTests : IDisposable
{
    private readonly TestDatabase _database = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly DatabaseAuditLog _log;

    public AuditPrunerTests() => _log = new DatabaseAuditLog(_database.Database);

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task ExecuteAsync_ClockPassesTheRetention_PrunesAtTheNextTickAndKeepsNewerEntries()
    {
        var options = new AuditOptions { RetainFor = TimeSpan.FromDays(365), PruneInterval = TimeSpan.FromHours(1) };
        var pruner = new AuditPruner(_log, options, _time);
        var rounds = System.Threading.Channels.Channel.CreateUnbounded<int>();
        pruner.Pruned += count => rounds.Writer.TryWrite(count);
        await AppendAsync("signin", "last-year");
        using var stop = new CancellationTokenSource();
        var running = pruner.ExecuteAsync(stop.Token);
        Assert.Equal(0, await rounds.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)));

        _time.Advance(TimeSpan.FromDays(200));
        Assert.Equal(0, await rounds.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        await AppendAsync("signin", "this-year");
        _time.Advance(TimeSpan.FromDays(166));
        // Ticks that came due while a round ran may give one more round before the clock's jump is seen.
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var pruned = 0;
        while (pruned == 0) pruned = await rounds.Reader.ReadAsync(patience.Token);

        Assert.Equal(1, pruned);
        Assert.Equal(["this-year"], (await _log.ListAsync(new AuditQuery())).Items.Select(e => e.Target));
        await stop.CancelAsync();
        await running;
    }

    [Fact]
    public async Task PruneAsync_RetainForZero_KeepsEverything()
    {
        await AppendAsync("signin", "ancient");
        _time.Advance(TimeSpan.FromDays(3650));

        var pruned = await new AuditPruner(_log, new AuditOptions { RetainFor = TimeSpan.Zero }, _time).PruneAsync();

        Assert.Equal(0, pruned);
        Assert.Single((await _log.ListAsync(new AuditQuery())).Items);
    }

    private Task<AuditEntry> AppendAsync(string action, string target) =>
        _log.AppendAsync(new AuditEntry(0, _time.GetUtcNow(), "default", "local", AuditSurfaces.Canvas, action, target, null, null));
}
