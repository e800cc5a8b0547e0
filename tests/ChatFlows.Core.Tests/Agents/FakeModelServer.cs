using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ChatFlows.Core.Tests.Agents;

/// <summary>
/// A local OpenAI-compatible model server on real Kestrel (127.0.0.1, a free port). It answers
/// <c>POST /v1/chat/completions</c> (and Azure OpenAI's deployment path) with what <see cref="Reply"/> returns for
/// each request, and keeps every request it received.
/// </summary>
internal sealed class FakeModelServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<ModelRequest> _requests = [];
    private readonly Lock _gate = new();

    private FakeModelServer(WebApplication app) => _app = app;

    /// <summary>Decides the answer to each request; by default a fixed answer.</summary>
    public Func<ModelRequest, ModelReply> Reply { get; set; } = _ => ModelReply.Answer("ok", 1, 1);

    /// <summary><c>http://127.0.0.1:&lt;port&gt;</c>.</summary>
    public string BaseUrl => _app.Urls.Single();

    /// <summary>The OpenAI-style endpoint, <c>http://127.0.0.1:&lt;port&gt;/v1</c>.</summary>
    public string Endpoint => BaseUrl + "/v1";

    /// <summary>Every request received so far, in order.</summary>
    public IReadOnlyList<ModelRequest> Requests
    {
        get
        {
            lock (_gate) return _requests.ToArray();
        }
    }

    public static async Task<FakeModelServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new FakeModelServer(app);
        app.MapPost("/v1/chat/completions", server.HandleAsync);
        app.MapPost("/openai/deployments/{deployment}/chat/completions", server.HandleAsync);
        await app.StartAsync();
        return server;
    }

    /// <summary>
    /// <paramref name="then"/> when the request carries the assistant message that asked for <paramref name="callId"/>
    /// and a <c>tool</c> message answering it, as the API requires; otherwise a 400 saying what is missing.
    /// </summary>
    public static ModelReply AfterToolResult(ModelRequest request, string callId, ModelReply then)
    {
        var messages = request.Messages;
        var askedAt = messages.ToList().FindIndex(m =>
            m.GetProperty("role").GetString() == "assistant"
            && m.TryGetProperty("tool_calls", out var calls)
            && calls.EnumerateArray().Any(c => c.GetProperty("id").GetString() == callId && c.GetProperty("type").GetString() == "function"));
        if (askedAt < 0) return ModelReply.Error(400, $"no assistant message with tool_calls[].id '{callId}'");
        var answered = messages.Skip(askedAt + 1).Any(m =>
            m.GetProperty("role").GetString() == "tool"
            && m.TryGetProperty("tool_call_id", out var id) && id.GetString() == callId
            && m.TryGetProperty("content", out _));
        return answered ? then : ModelReply.Error(400, $"no tool message with tool_call_id '{callId}' after the assistant's tool_calls");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext http)
    {
        var body = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
        ModelRequest request;
        lock (_gate)
        {
            request = new ModelRequest(_requests.Count, http.Request.Path, body.RootElement.Clone(), http.Request.Headers.Authorization.FirstOrDefault(), http.Request.Headers["api-key"].FirstOrDefault());
            _requests.Add(request);
        }
        var reply = Reply(request);
        if (reply.Hang)
        {
            // Held until the client gives up and closes the connection.
            await Task.Delay(Timeout.Infinite, http.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
            return;
        }
        http.Response.StatusCode = reply.Status;
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(reply.Body, http.RequestAborted);
    }
}
