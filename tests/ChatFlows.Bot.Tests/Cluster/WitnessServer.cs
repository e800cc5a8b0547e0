using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ChatFlows.Bot.Tests.Cluster;

/// <summary>
/// A local HTTP service that the cluster's workflows call from a <c>tool/http</c> node through a connection named
/// <c>witness</c>. Each instance configures that connection with its own <c>X-Instance</c> header, so every call says
/// which instance executed the node (<c>witness-of-A</c>: a header value is a credential, which a run never shows, so the
/// answer carries the name alone). The answer is <c>{"instance": …, "token": n}</c> with a token never given twice:
/// the node's output then names the instance and the very answer it was built from. Every call is recorded with the
/// times it arrived and was answered, so a test can tell which answers an instance could only have read after it was
/// stopped. <c>?ms=</c> holds the answer that long, as a slow service does.
/// </summary>
internal sealed class WitnessServer : IAsyncDisposable
{
    /// <summary>The header each instance's <c>witness</c> connection sends with its name.</summary>
    public const string InstanceHeader = "X-Instance";

    /// <summary>What the header's value starts with, before the instance's name.</summary>
    public const string InstancePrefix = "witness-of-";

    private readonly WebApplication _app;
    private readonly Lock _gate = new();
    private readonly List<WitnessCall> _calls = [];
    private readonly Dictionary<string, TaskCompletionSource> _holds = new(StringComparer.Ordinal);
    private int _nextToken;

    private WitnessServer(WebApplication app) => _app = app;

    /// <summary><c>http://127.0.0.1:&lt;port&gt;/</c>, what the <c>witness</c> connection's BaseUrl is set to.</summary>
    public string BaseUrl => _app.Urls.Single() + "/";

    /// <summary>Every call so far (a copy), in the order they arrived.</summary>
    public IReadOnlyList<WitnessCall> Calls
    {
        get
        {
            lock (_gate) return _calls.ToArray();
        }
    }

    public static async Task<WitnessServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var witness = new WitnessServer(app);
        app.MapPost("/work", witness.HandleAsync);
        await app.StartAsync();
        return witness;
    }

    /// <summary>
    /// Keeps every answer to <paramref name="instance"/> until the returned release is disposed, so that a test can
    /// freeze the instance first and then have the answers arrive while it is frozen, however slowly it froze.
    /// </summary>
    public IDisposable Hold(string instance)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate) _holds[instance] = gate;
        return new Release(() =>
        {
            lock (_gate) _holds.Remove(instance);
            gate.TrySetResult();
        });
    }

    /// <summary>The calls whose answer is still being held (the caller is waiting for it).</summary>
    public IReadOnlyList<WitnessCall> InFlight(string instance) => Calls.Where(c => c.Instance == instance && c.AnsweredAt is null).ToArray();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext http)
    {
        using var body = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
        var instance = http.Request.Headers[InstanceHeader].ToString().Replace(InstancePrefix, "", StringComparison.Ordinal);
        var run = body.RootElement.TryGetProperty("run", out var r) ? r.GetString() ?? "" : "";
        var node = body.RootElement.TryGetProperty("node", out var n) ? n.GetString() ?? "" : "";
        WitnessCall call;
        lock (_gate)
        {
            call = new WitnessCall(++_nextToken, instance, run, node, DateTimeOffset.UtcNow);
            _calls.Add(call);
        }
        if (int.TryParse(http.Request.Query["ms"], NumberStyles.None, CultureInfo.InvariantCulture, out var hold) && hold > 0)
        {
            // A slow service: the answer is held, whether or not the caller is still there to read it.
            await Task.Delay(hold, CancellationToken.None);
        }
        Task held;
        lock (_gate) held = _holds.TryGetValue(instance, out var gate) ? gate.Task : Task.CompletedTask;
        await held;
        call.Answered(DateTimeOffset.UtcNow);
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(JsonSerializer.Serialize(new { instance, token = call.Token, run, node }), CancellationToken.None)
            .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }
}

/// <summary>Ends a <see cref="WitnessServer.Hold"/>.</summary>
internal sealed class Release(Action release) : IDisposable
{
    public void Dispose() => release();
}

/// <summary>One call to the <see cref="WitnessServer"/>: the token it answered with, who called, for which run and node, and when.</summary>
internal sealed class WitnessCall(int token, string instance, string run, string node, DateTimeOffset receivedAt)
{
    public int Token { get; } = token;

    public string Instance { get; } = instance;

    public string Run { get; } = run;

    public string Node { get; } = node;

    public DateTimeOffset ReceivedAt { get; } = receivedAt;

    private long _answeredAtTicks;

    /// <summary>When the answer was written; null while it is held.</summary>
    public DateTimeOffset? AnsweredAt => Interlocked.Read(ref _answeredAtTicks) is var ticks and > 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    public void Answered(DateTimeOffset at) => Interlocked.Exchange(ref _answeredAtTicks, at.UtcTicks);

    public override string ToString() => $"#{Token} {Instance} {Run}/{Node} at {ReceivedAt:HH:mm:ss.fff}, answered {AnsweredAt:HH:mm:ss.fff}";
}
