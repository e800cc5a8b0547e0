using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ChatFlows.Core.Tests.Http;

/// <summary>
/// A real HTTP server on Kestrel at a free port of 127.0.0.1, the target of the HTTP tool's tests. Each test maps the
/// paths it needs; every request is recorded as it arrived (method, path, query, headers, body).
/// </summary>
internal sealed class HttpTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Func<HttpContext, ReceivedRequest, Task>> _routes = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<ReceivedRequest> _received = new();
    private readonly Lock _gate = new();
    private readonly List<(Func<ReceivedRequest, bool> Match, TaskCompletionSource<ReceivedRequest> Arrived)> _waiters = [];

    private HttpTestServer(WebApplication app) => _app = app;

    public int Port { get; private set; }

    public static async Task<HttpTestServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var server = new HttpTestServer(builder.Build());
        server._app.Run(server.HandleAsync);
        await server._app.StartAsync();
        var address = server._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server.Port = new Uri(address).Port;
        return server;
    }

    /// <summary><c>http://127.0.0.1:port/path</c>.</summary>
    public string Url(string path) => $"http://127.0.0.1:{Port}{path}";

    public HttpTestServer Map(string path, Func<HttpContext, ReceivedRequest, Task> handler)
    {
        _routes[path] = handler;
        return this;
    }

    /// <summary>Answers <paramref name="path"/> with a fixed status, content type and body.</summary>
    public HttpTestServer Map(string path, int status, string body = "", string contentType = "application/json") =>
        Map(path, (context, _) =>
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = contentType;
            return context.Response.WriteAsync(body);
        });

    public IReadOnlyList<ReceivedRequest> Received(string path) => _received.Where(r => r.Path == path).ToArray();

    /// <summary>Completes when a request to <paramref name="path"/> has arrived (counting those already here).</summary>
    public Task<ReceivedRequest> ArrivalAsync(string path, int count = 1)
    {
        lock (_gate)
        {
            var seen = 0;
            var waiter = new TaskCompletionSource<ReceivedRequest>(TaskCreationOptions.RunContinuationsAsynchronously);
            bool Match(ReceivedRequest r) => r.Path == path && ++seen == count;
            foreach (var request in _received)
            {
                if (Match(request))
                {
                    waiter.SetResult(request);
                    return waiter.Task;
                }
            }
            _waiters.Add((Match, waiter));
            return waiter.Task;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var request = new ReceivedRequest(
            context.Request.Method,
            context.Request.Path.Value ?? "",
            context.Request.QueryString.Value ?? "",
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            await reader.ReadToEndAsync(context.RequestAborted));
        lock (_gate)
        {
            _received.Enqueue(request);
            foreach (var waiter in _waiters.ToArray())
            {
                if (!waiter.Match(request)) continue;
                _waiters.Remove(waiter);
                waiter.Arrived.SetResult(request);
            }
        }
        if (_routes.TryGetValue(request.Path, out var handler)) await handler(context, request);
        else context.Response.StatusCode = StatusCodes.Status404NotFound;
    }
}

/// <summary>A request as the test server received it.</summary>
internal sealed record ReceivedRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string? Header(string name) => Headers.GetValueOrDefault(name);
}
