using System.Threading.Channels;
using ChatFlows.Core.Cluster;
using ChatFlows.Core.Storage.Postgres;
using ChatFlows.Core.Tests.Fixtures;
using Npgsql;

namespace ChatFlows.Core.Tests.Cluster;

public sealed class PostgresClusterBusTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly List<IAsyncDisposable> _owned = [];
    private string _connectionString = "";

    public async Task InitializeAsync() => _connectionString = await TestDatabases.CreatePostgresAsync();

    public async Task DisposeAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--) await _owned[i].DisposeAsync();
    }

    // One instance: its own pool on the shared database, and its bus.
    private async Task<PostgresClusterBus> StartAsync(string name)
    {
        var database = new PostgresDatabase(_connectionString);
        _owned.Add(database);
        var bus = new PostgresClusterBus(database, name);
        _owned.Add(bus);
        await bus.Listening.WaitAsync(Patience);
        return bus;
    }

    private static ChannelReader<ClusterNotice> Listen(IClusterBus bus, string topic)
    {
        var heard = Channel.CreateUnbounded<ClusterNotice>();
        bus.Subscribe(topic, notice => heard.Writer.TryWrite(notice));
        return heard.Reader;
    }

    [Fact]
    public async Task Publish_TwoInstances_ReachesTheOtherAndNeverTheSender()
    {
        var a = await StartAsync("a");
        var b = await StartAsync("b");
        var heardByA = Listen(a, ClusterTopics.WorkflowChanged);
        var heardByB = Listen(b, ClusterTopics.WorkflowChanged);

        a.Publish(new ClusterNotice(ClusterTopics.WorkflowChanged, """{"id":"deploy","version":2}"""));
        var atB = await heardByB.ReadAsync().AsTask().WaitAsync(Patience);
        // Notices on the channel arrive in the order they were sent: once B's reply is at A, A's own would be too.
        b.Publish(new ClusterNotice(ClusterTopics.WorkflowChanged, "reply"));
        var atA = await heardByA.ReadAsync().AsTask().WaitAsync(Patience);

        Assert.Equal(new ClusterNotice(ClusterTopics.WorkflowChanged, """{"id":"deploy","version":2}""", "a"), atB);
        Assert.Equal(new ClusterNotice(ClusterTopics.WorkflowChanged, "reply", "b"), atA);
        Assert.False(heardByA.TryRead(out _));
    }

    [Fact]
    public async Task Publish_AThousandAtOnce_AllArriveInOrder()
    {
        var a = await StartAsync("a");
        var b = await StartAsync("b");
        var heard = Listen(b, ClusterTopics.RunEvent);

        for (var i = 0; i < 1000; i++) a.Publish(new ClusterNotice(ClusterTopics.RunEvent, i.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        for (var i = 0; i < 1000; i++)
        {
            var notice = await heard.ReadAsync().AsTask().WaitAsync(Patience);
            Assert.Equal(i.ToString(System.Globalization.CultureInfo.InvariantCulture), notice.Payload);
        }
    }

    [Fact]
    public async Task Publish_OverTheSizeLimit_IsRefusedWholeAndNothingOfItArrives()
    {
        var a = await StartAsync("a");
        var b = await StartAsync("b");
        var heard = Listen(b, ClusterTopics.Playground);
        // Two bytes per 'é': exactly the limit, and one byte over it.
        var largest = new string('é', ClusterNotice.MaxPayloadBytes / 2);
        var tooLarge = largest + "x";

        a.Publish(new ClusterNotice(ClusterTopics.Playground, largest));
        var refused = Assert.Throws<ArgumentException>(() => a.Publish(new ClusterNotice(ClusterTopics.Playground, tooLarge)));
        a.Publish(new ClusterNotice(ClusterTopics.Playground, "after"));

        Assert.Contains($"{ClusterNotice.MaxPayloadBytes + 1} bytes", refused.Message, StringComparison.Ordinal);
        Assert.Equal(largest, (await heard.ReadAsync().AsTask().WaitAsync(Patience)).Payload);
        Assert.Equal("after", (await heard.ReadAsync().AsTask().WaitAsync(Patience)).Payload);
    }

    [Fact]
    public async Task Listening_ConnectionKilledByTheServer_ReconnectsSaysNoticesWereMissedAndDeliversAgain()
    {
        var a = await StartAsync("a");
        var b = await StartAsync("b");
        var missed = Listen(b, ClusterTopics.Missed);
        var heard = Listen(b, ClusterTopics.RunsReady);

        await using (var admin = new NpgsqlConnection(_connectionString))
        {
            await admin.OpenAsync();
            await using var kill = new NpgsqlCommand(
                "select count(pg_terminate_backend(pid)) from pg_stat_activity where application_name = @Name and datname = current_database()", admin);
            kill.Parameters.AddWithValue("Name", PostgresClusterBus.ListenerName);
            Assert.Equal(2L, await kill.ExecuteScalarAsync());
        }
        var signal = await missed.ReadAsync().AsTask().WaitAsync(Patience);
        a.Publish(new ClusterNotice(ClusterTopics.RunsReady, ""));

        Assert.Equal("b", signal.From);
        Assert.Equal("a", (await heard.ReadAsync().AsTask().WaitAsync(Patience)).From);
    }

    [Fact]
    public async Task DisposeAsync_RightAfterPublishing_SendsWhatWasQueued()
    {
        var a = await StartAsync("a");
        var b = await StartAsync("b");
        var heard = Listen(b, ClusterTopics.CancelRequested);

        a.Publish(new ClusterNotice(ClusterTopics.CancelRequested, "run-1"));
        await a.DisposeAsync();

        Assert.Equal("run-1", (await heard.ReadAsync().AsTask().WaitAsync(Patience)).Payload);
    }

    [Fact]
    public async Task Subscribe_Disposed_HearsNothingMore()
    {
        var a = await StartAsync("a");
        var b = await StartAsync("b");
        var stopped = Channel.CreateUnbounded<ClusterNotice>();
        var subscription = b.Subscribe(ClusterTopics.RunsReady, notice => stopped.Writer.TryWrite(notice));
        var still = Listen(b, ClusterTopics.RunsReady);

        subscription.Dispose();
        a.Publish(new ClusterNotice(ClusterTopics.RunsReady, ""));
        await still.ReadAsync().AsTask().WaitAsync(Patience);

        Assert.False(stopped.Reader.TryRead(out _));
    }
}
