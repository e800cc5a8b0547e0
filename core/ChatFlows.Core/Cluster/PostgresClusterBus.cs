using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using ChatFlows.Core.Storage.Postgres;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;

namespace ChatFlows.Core.Cluster;

/// <summary>
/// Instances sharing one PostgreSQL database tell each other things by LISTEN/NOTIFY on one channel
/// (docs/architecture.md §Several instances). One dedicated connection listens and reconnects with a short back-off
/// when it drops, raising <see cref="ClusterTopics.Missed"/> here once it is back; published notices are queued and
/// sent in batches on pooled connections, so publishing never waits for the network. A notice is one line of
/// compact JSON naming its topic and sender, then the payload verbatim; notices from this instance are dropped on
/// receipt.
/// </summary>
public sealed partial class PostgresClusterBus : IClusterBus, IAsyncDisposable, IDisposable
{
    /// <summary>The notification channel every instance listens on.</summary>
    public const string Channel = "chatflows";

    // Notices sent by one command; PostgreSQL queues them all at commit.
    private const int BatchSize = 256;

    private const string SendSql = "select pg_notify(@Channel, payload) from unnest(@Payloads) as payload";

    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(2);

    private readonly NpgsqlDataSource _pool;
    private readonly string _listenConnectionString;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<string> _outbox = System.Threading.Channels.Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private Dictionary<string, Action<ClusterNotice>[]> _handlers = new(StringComparer.Ordinal);
    private readonly Task _listener;
    private readonly Task _sender;
    private int _disposed;

    /// <summary>Starts listening and sending for the instance named <paramref name="instanceId"/> (<see cref="ClusterInstance"/>).</summary>
    public PostgresClusterBus(PostgresDatabase database, string instanceId, TimeProvider? time = null, ILogger<PostgresClusterBus>? logger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(instanceId);
        InstanceId = instanceId;
        _pool = database.DataSource;
        // Its own connection outside the pool, pinged while idle so that a dead server or network is noticed.
        _listenConnectionString = new NpgsqlConnectionStringBuilder(database.ConnectionString)
        {
            Pooling = false,
            KeepAlive = 10,
            ApplicationName = ListenerName,
        }.ConnectionString;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger<PostgresClusterBus>.Instance;
        _listener = Task.Run(() => ListenAsync(_stopping.Token));
        _sender = Task.Run(SendAsync);
    }

    /// <inheritdoc />
    public string InstanceId { get; }

    /// <inheritdoc />
    public bool IsShared => true;

    /// <summary>The <c>application_name</c> of the listening connection, as <c>pg_stat_activity</c> shows it.</summary>
    public static string ListenerName => "chatflows-listener";

    /// <summary>Completes once the first <c>LISTEN</c> is in place: notices published by others from then on arrive.</summary>
    public Task Listening => _listening.Task;

    /// <inheritdoc />
    public void Publish(ClusterNotice notice)
    {
        ArgumentNullException.ThrowIfNull(notice);
        var size = Encoding.UTF8.GetByteCount(notice.Payload);
        if (size > ClusterNotice.MaxPayloadBytes)
        {
            throw new ArgumentException(
                $"A '{notice.Topic}' notice of {size} bytes is over the limit of {ClusterNotice.MaxPayloadBytes}; send an id and let listeners read the rest.", nameof(notice));
        }
        _outbox.Writer.TryWrite(Encode(notice.Topic, InstanceId, notice.Payload));
    }

    /// <inheritdoc />
    public IDisposable Subscribe(string topic, Action<ClusterNotice> handler)
    {
        lock (_gate)
        {
            var handlers = new Dictionary<string, Action<ClusterNotice>[]>(_handlers, StringComparer.Ordinal);
            handlers[topic] = handlers.TryGetValue(topic, out var existing) ? [.. existing, handler] : [handler];
            _handlers = handlers;
        }
        return new Subscription(this, topic, handler);
    }

    /// <summary>Sends what is queued (for a moment at most), then stops listening and sending.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        _outbox.Writer.TryComplete();
        try
        {
            await _sender.WaitAsync(DrainTimeout, _time);
        }
        catch (TimeoutException)
        {
            // The database is away; what is left was only ever a hint.
        }
        await _stopping.CancelAsync();
        // Both loops end on the token and catch their own failures.
        await Task.WhenAll(_listener, _sender);
        _stopping.Dispose();
    }

    /// <inheritdoc />
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    // The header is compact JSON on the first line; the payload follows verbatim, so it is neither escaped nor grown.
    internal static string Encode(string topic, string from, string payload) =>
        JsonSerializer.Serialize(new Header(topic, from), HeaderJson) + "\n" + payload;

    internal static ClusterNotice? Decode(string text)
    {
        var end = text.IndexOf('\n', StringComparison.Ordinal);
        if (end < 0) return null;
        try
        {
            var header = JsonSerializer.Deserialize<Header>(text.AsSpan(0, end), HeaderJson);
            return header is { T: { } topic, F: { } from } ? new ClusterNotice(topic, text[(end + 1)..], from) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static readonly JsonSerializerOptions HeaderJson = new(JsonSerializerDefaults.Web);

    private sealed record Header(string? T, string? F);

    private async Task ListenAsync(CancellationToken ct)
    {
        var delay = FirstRetry;
        var attempts = 0;
        var failing = false;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(_listenConnectionString);
                connection.Notification += OnNotification;
                await connection.OpenAsync(ct);
                await using (var listen = new NpgsqlCommand($"listen {Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(ct);
                }
                if (failing) LogListening(Channel);
                // Whatever was told while nobody listened here is lost: listeners re-read.
                if (attempts++ > 0) Deliver(new ClusterNotice(ClusterTopics.Missed, "", InstanceId));
                failing = false;
                delay = FirstRetry;
                _listening.TrySetResult();
                while (true) await connection.WaitAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                attempts++;
                if (!failing) LogListenFailed(ex, Channel, delay);
                failing = true;
                try
                {
                    await Task.Delay(delay, _time, ct);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                delay = delay * 2 < LastRetry ? delay * 2 : LastRetry;
            }
        }
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs e)
    {
        if (Decode(e.Payload) is not { } notice)
        {
            LogUnreadable(e.Channel);
            return;
        }
        if (notice.From == InstanceId) return;
        Deliver(notice);
    }

    private void Deliver(ClusterNotice notice)
    {
        if (!Volatile.Read(ref _handlers).TryGetValue(notice.Topic, out var handlers)) return;
        foreach (var handler in handlers)
        {
            try
            {
                handler(notice);
            }
            catch (Exception ex)
            {
                LogHandlerFailed(ex, notice.Topic, notice.From);
            }
        }
    }

    private async Task SendAsync()
    {
        var reader = _outbox.Reader;
        var batch = new List<string>(BatchSize);
        var failing = false;
        var delay = FirstRetry;
        // Ends when disposal completes the outbox and the last batch is sent, or when disposal gives up waiting.
        while (await WaitAsync(reader))
        {
            while (batch.Count < BatchSize && reader.TryRead(out var notice)) batch.Add(notice);
            try
            {
                await using var command = _pool.CreateCommand(SendSql);
                command.Parameters.Add(new NpgsqlParameter("Channel", NpgsqlDbType.Text) { Value = Channel });
                command.Parameters.Add(new NpgsqlParameter("Payloads", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = batch.ToArray() });
                await command.ExecuteNonQueryAsync(_stopping.Token);
                if (failing) LogSending();
                failing = false;
                delay = FirstRetry;
                batch.Clear();
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Notices are hints (polling makes up for a lost one): a batch that cannot be sent is dropped
                // after a pause, rather than piling up while the database is away.
                if (!failing) LogSendFailed(ex, batch.Count);
                failing = true;
                batch.Clear();
                try
                {
                    await Task.Delay(delay, _time, _stopping.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                delay = delay * 2 < LastRetry ? delay * 2 : LastRetry;
            }
        }
    }

    private async Task<bool> WaitAsync(ChannelReader<string> reader)
    {
        try
        {
            return await reader.WaitToReadAsync(_stopping.Token);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private void Unsubscribe(string topic, Action<ClusterNotice> handler)
    {
        lock (_gate)
        {
            if (!_handlers.TryGetValue(topic, out var existing)) return;
            var handlers = new Dictionary<string, Action<ClusterNotice>[]>(_handlers, StringComparer.Ordinal);
            var left = existing.Where(h => h != handler).ToArray();
            if (left.Length == 0) handlers.Remove(topic);
            else handlers[topic] = left;
            _handlers = handlers;
        }
    }

    private sealed class Subscription(PostgresClusterBus bus, string topic, Action<ClusterNotice> handler) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) bus.Unsubscribe(topic, handler);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Listening on PostgreSQL channel {Channel} failed; other instances' notices are missed until it reconnects (next try in {Delay})")]
    private partial void LogListenFailed(Exception error, string channel, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening on PostgreSQL channel {Channel} again")]
    private partial void LogListening(string channel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sending {Count} notices to other instances failed; they were dropped (polling makes up for them)")]
    private partial void LogSendFailed(Exception error, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sending notices to other instances works again")]
    private partial void LogSending();

    [LoggerMessage(Level = LogLevel.Warning, Message = "A notice on channel {Channel} could not be read; it was dropped")]
    private partial void LogUnreadable(string channel);

    [LoggerMessage(Level = LogLevel.Error, Message = "Handling a '{Topic}' notice from {From} failed")]
    private partial void LogHandlerFailed(Exception error, string topic, string? from);
}
