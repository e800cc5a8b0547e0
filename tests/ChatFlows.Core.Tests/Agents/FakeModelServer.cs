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
/// each request, and keeps every request it received. <c>POST /v1/embeddings</c> answers in OpenAI's format with
/// vectors derived from the words of each input (<see cref="VectorOf"/>), so that texts sharing words are close.
/// </summary>
internal sealed class FakeModelServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<ModelRequest> _requests = [];
    private readonly List<IReadOnlyList<string>> _embeddings = [];
    private readonly Lock _gate = new();

    private FakeModelServer(WebApplication app) => _app = app;

    /// <summary>Decides the answer to each request; by default a fixed answer.</summary>
    public Func<ModelRequest, ModelReply> Reply { get; set; } = _ => ModelReply.Answer("ok", 1, 1);

    /// <summary>
    /// Called before each <c>/embeddings</c> request is answered, with the request's inputs; may wait (to hold the
    /// indexing where it is) or return an error reply to send instead of the vectors. By default answers at once.
    /// </summary>
    public Func<IReadOnlyList<string>, Task<ModelReply?>> OnEmbeddings { get; set; } = _ => Task.FromResult<ModelReply?>(null);

    /// <summary>The inputs of every <c>/embeddings</c> request received so far, in order.</summary>
    public IReadOnlyList<IReadOnlyList<string>> EmbeddingRequests
    {
        get
        {
            lock (_gate) return _embeddings.ToArray();
        }
    }

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
        app.MapPost("/v1/embeddings", server.EmbedAsync);
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

    /// <summary>
    /// The fake embedding of <paramref name="text"/>: each lower-cased word (letters and digits) adds 1 to one of
    /// <see cref="Dimensions"/> slots picked by a stable hash of the word, and the vector is scaled to length 1.
    /// </summary>
    public static float[] VectorOf(string text)
    {
        var vector = new float[Dimensions];
        foreach (var word in System.Text.RegularExpressions.Regex.Split(text.ToLowerInvariant(), "[^a-z0-9]+").Where(w => w.Length > 2))
        {
            var hash = 2166136261u;
            foreach (var c in word) hash = (hash ^ c) * 16777619u;
            vector[hash % Dimensions] += 1;
        }
        var length = MathF.Sqrt(vector.Sum(v => v * v));
        return length == 0 ? vector : vector.Select(v => v / length).ToArray();
    }

    /// <summary>The length of the fake embeddings.</summary>
    public const int Dimensions = 256;

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task EmbedAsync(HttpContext http)
    {
        var body = (await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted)).RootElement;
        var input = body.GetProperty("input");
        IReadOnlyList<string> texts = input.ValueKind == JsonValueKind.Array ? [.. input.EnumerateArray().Select(i => i.GetString()!)] : [input.GetString()!];
        lock (_gate) _embeddings.Add(texts);
        var reply = await OnEmbeddings(texts);
        http.Response.ContentType = "application/json";
        if (reply is not null)
        {
            http.Response.StatusCode = reply.Status;
            await http.Response.WriteAsync(reply.Body, http.RequestAborted);
            return;
        }
        var base64 = body.TryGetProperty("encoding_format", out var format) && format.GetString() == "base64";
        await http.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            @object = "list",
            data = texts.Select((t, i) => new
            {
                @object = "embedding",
                index = i,
                // OpenAI's client asks for base64 (float32 little-endian); others ask for numbers.
                embedding = base64 ? (object)Convert.ToBase64String(System.Runtime.InteropServices.MemoryMarshal.AsBytes(VectorOf(t).AsSpan())) : VectorOf(t),
            }),
            model = body.GetProperty("model").GetString(),
            usage = new { prompt_tokens = texts.Sum(t => t.Length / 4), total_tokens = texts.Sum(t => t.Length / 4) },
        }), http.RequestAborted);
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
