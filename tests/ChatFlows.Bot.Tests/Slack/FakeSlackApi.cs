using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ChatFlows.Bot.Tests.Slack;

/// <summary>
/// A local Slack Web API on real Kestrel (127.0.0.1, a free port) speaking Slack's wire format:
/// <c>POST /api/chat.postMessage</c>, <c>/api/chat.update</c>, <c>/api/chat.postEphemeral</c> and <c>/api/views.open</c> with a JSON body and the
/// bot token as bearer token, answered <c>{ "ok": true, … }</c> with increasing <c>ts</c> values, or
/// <c>{ "ok": false, "error": … }</c> as Slack would (bad token, unknown message, missing text). Response URLs live at
/// <c>POST /response/{id}</c> and answer <c>ok</c>. Every request is recorded in order. It can be told to answer 429
/// with a Retry-After for the next calls or for a while (a storm), a given error for a method, HTTP 503 for the next
/// calls, or to carry out the next call of a method and lose its answer (HTTP 500, as a proxy that timed out). Posted
/// messages keep their <c>metadata</c>; <c>GET /api/conversations.history</c> and <c>conversations.replies</c> answer
/// with them as Slack does (metadata only with <c>include_all_metadata=true</c>). The fake's ts values do not follow
/// the clock, so <c>oldest</c> is compared with the time each message was really posted.
/// </summary>
internal sealed class FakeSlackApi : IAsyncDisposable
{
    /// <summary>The bot token the fake accepts unless started with another.</summary>
    public const string DefaultBotToken = "xoxb-test-token";

    /// <summary>The method name calls to a response URL are recorded under.</summary>
    public const string ResponseUrlMethod = "response_url";

    private readonly WebApplication _app;
    private readonly string _botToken;
    private readonly CallRecorder<SlackCall> _calls = new(c => $"{c.Method} {c.Status}");
    private readonly Dictionary<string, Queue<string>> _failures = new(StringComparer.Ordinal);
    // Messages posted so far: "channel ts" -> the last text, so chat.update can refuse a message that does not exist.
    private readonly Dictionary<string, string> _messages = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string?> _members = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string[]> _userGroups = new(StringComparer.Ordinal);
    private readonly List<Posted> _posted = [];
    // Calls whose answer is lost: the method, and the text the call must carry (null for any).
    private readonly List<(string Method, string? Text)> _loseAnswer = [];
    private readonly HashSet<string> _holdAnswer = new(StringComparer.Ordinal);
    private DateTimeOffset _stormUntil = DateTimeOffset.MinValue;
    private int _serverErrors;
    private readonly Lock _gate = new();
    private int _rateLimited;
    private int? _retryAfterSeconds = 1;
    private int _nextTs;

    private FakeSlackApi(WebApplication app, string botToken)
    {
        _app = app;
        _botToken = botToken;
    }

    /// <summary><c>http://127.0.0.1:&lt;port&gt;</c>.</summary>
    public string BaseUrl => _app.Urls.Single();

    /// <summary>What <c>ChatFlows:Slack:ApiBaseUrl</c> is set to: <c>http://127.0.0.1:&lt;port&gt;/api/</c>.</summary>
    public string ApiBaseUrl => BaseUrl + "/api/";

    /// <summary>Every request received so far, in order.</summary>
    public IReadOnlyList<SlackCall> Calls => _calls.All;

    public static async Task<FakeSlackApi> StartAsync(string botToken = DefaultBotToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var fake = new FakeSlackApi(app, botToken);
        app.MapPost("/api/{method}", fake.HandleMethodAsync);
        app.MapGet("/api/{method}", fake.HandleReadMethodAsync);
        app.MapPost("/response/{id}", fake.HandleResponseUrlAsync);
        await app.StartAsync();
        return fake;
    }

    /// <summary>A response URL of this fake, as Slack puts in a slash command or a click.</summary>
    public string ResponseUrl(string id) => $"{BaseUrl}/response/{id}";

    /// <summary>The calls of one method, in order.</summary>
    public IReadOnlyList<SlackCall> CallsTo(string method) => Calls.Where(c => c.Method == method).ToArray();

    /// <summary>
    /// Answers the next <paramref name="calls"/> requests (any method) with HTTP 429 and
    /// <c>Retry-After: <paramref name="retryAfterSeconds"/></c>, or no Retry-After when it is null.
    /// </summary>
    public void RateLimitNext(int calls, int? retryAfterSeconds = 1)
    {
        lock (_gate)
        {
            _rateLimited = calls;
            _retryAfterSeconds = retryAfterSeconds;
        }
    }

    /// <summary>
    /// Answers every Web API call (not response URLs, which Slack limits apart) with HTTP 429 and
    /// <c>Retry-After: <paramref name="retryAfterSeconds"/></c> for <paramref name="duration"/> from now.
    /// </summary>
    public void RateLimitFor(TimeSpan duration, int retryAfterSeconds = 1)
    {
        lock (_gate)
        {
            _stormUntil = DateTimeOffset.UtcNow + duration;
            _retryAfterSeconds = retryAfterSeconds;
        }
    }

    /// <summary>When the storm started by <see cref="RateLimitFor"/> ends.</summary>
    public DateTimeOffset StormUntil
    {
        get
        {
            lock (_gate) return _stormUntil;
        }
    }

    /// <summary>Answers the next <paramref name="calls"/> Web API calls with HTTP 503 and an HTML page, as Slack's edge does when it is down.</summary>
    public void ServerErrorNext(int calls)
    {
        lock (_gate) _serverErrors = calls;
    }

    /// <summary>
    /// Carries out the next call of <paramref name="method"/> (whose <c>text</c> is <paramref name="text"/>, when given)
    /// but answers it with HTTP 500, as if the answer was lost.
    /// </summary>
    public void LoseAnswerNext(string method, string? text = null)
    {
        lock (_gate) _loseAnswer.Add((method, text));
    }

    /// <summary>
    /// Carries out the next call of <paramref name="method"/> and never answers it (until the caller goes away), as when
    /// the host dies between Slack storing a message and the answer arriving.
    /// </summary>
    public void HoldAnswerNext(string method)
    {
        lock (_gate) _holdAnswer.Add(method);
    }

    /// <summary>The messages posted with ChatFlows' card metadata for run <paramref name="runId"/>, in order: (channel, ts, thread ts, kind).</summary>
    public IReadOnlyList<(string Channel, string Ts, string? ThreadTs, string Kind)> CardsOf(string runId)
    {
        lock (_gate)
        {
            return _posted
                .Where(p => p.Metadata?["event_type"]?.GetValue<string>() == "chatflows_card" && p.Metadata?["event_payload"]?["run_id"]?.GetValue<string>() == runId)
                .Select(p => (p.Channel, p.Ts, p.ThreadTs, p.Metadata!["event_payload"]!["kind"]!.GetValue<string>()))
                .ToArray();
        }
    }

    /// <summary>Every message posted to <paramref name="channel"/> so far, in order: (ts, thread ts, text).</summary>
    public IReadOnlyList<(string Ts, string? ThreadTs, string? Text)> MessagesIn(string channel)
    {
        lock (_gate) return _posted.Where(p => p.Channel == channel).Select(p => (p.Ts, p.ThreadTs, p.Text)).ToArray();
    }

    /// <summary>Every message posted to <paramref name="channel"/> so far, in order, with when it arrived.</summary>
    public IReadOnlyList<(string? Text, DateTimeOffset PostedAt)> PostedIn(string channel)
    {
        lock (_gate) return _posted.Where(p => p.Channel == channel).Select(p => (p.Text, p.PostedAt)).ToArray();
    }

    /// <summary>Answers the next <paramref name="times"/> calls of <paramref name="method"/> with <c>{ "ok": false, "error": <paramref name="error"/> }</c>.</summary>
    public void Fail(string method, string error, int times = 1)
    {
        lock (_gate)
        {
            if (!_failures.TryGetValue(method, out var queue)) _failures[method] = queue = new Queue<string>();
            for (var i = 0; i < times; i++) queue.Enqueue(error);
        }
    }

    /// <summary>Waits (without sleeping) until a recorded call satisfies <paramref name="match"/>, and returns it.</summary>
    public Task<SlackCall> WaitForAsync(Func<SlackCall, bool> match, TimeSpan? timeout = null) =>
        _calls.WaitForAsync(match, timeout ?? TimeSpan.FromSeconds(10), "Slack call");

    /// <summary>A person of the workspace, whom <c>users.info</c> knows; <paramref name="email"/> null as when the address is hidden.</summary>
    public void AddMember(string userId, string? email)
    {
        lock (_gate) _members[userId] = email;
    }

    /// <summary>A user group (<c>S…</c>) whose members <c>usergroups.users.list</c> lists.</summary>
    public void AddUserGroup(string groupId, params string[] userIds)
    {
        lock (_gate) _userGroups[groupId] = userIds;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleMethodAsync(HttpContext http, string method)
    {
        var body = await ReadAsync(http);
        int status;
        JsonObject answer;
        string? retryAfter;
        bool hold;
        lock (_gate)
        {
            (status, answer, retryAfter) = Answer(method, http, body);
            var lost = _loseAnswer.FindIndex(l => l.Method == method && (l.Text is null || l.Text == Property(body, "text")));
            if (status == 200 && lost >= 0)
            {
                _loseAnswer.RemoveAt(lost);
                (status, answer) = (StatusCodes.Status500InternalServerError, Error("internal_error"));
            }
            Record(method, http, body, status);
            hold = status == 200 && _holdAnswer.Remove(method);
        }
        if (hold)
        {
            await Task.Delay(Timeout.Infinite, http.RequestAborted).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            return;
        }
        await WriteAsync(http, status, answer, retryAfter);
    }

    // Read methods (users.info) take their arguments in the query string, as Slack accepts them.
    private async Task HandleReadMethodAsync(HttpContext http, string method)
    {
        var query = new JsonObject();
        foreach (var (key, value) in http.Request.Query) query[key] = value.ToString();
        var body = JsonElement.Parse(query.ToJsonString());
        int status;
        JsonObject answer;
        string? retryAfter = null;
        lock (_gate)
        {
            var auth = http.Request.Headers.Authorization.FirstOrDefault();
            var storm = DateTimeOffset.UtcNow < _stormUntil;
            if (storm) retryAfter = RetryAfter();
            (status, answer) = storm ? (StatusCodes.Status429TooManyRequests, Error("ratelimited"))
                : string.IsNullOrEmpty(auth) ? (200, Error("not_authed"))
                : auth != $"Bearer {_botToken}" ? (200, Error("invalid_auth"))
                : TakeFailure(method) is { } failure ? (200, Error(failure))
                : method is "conversations.history" or "conversations.replies" ? (200, History(method, body))
                : method == "usergroups.users.list" ? (200, UserGroupMembers(body))
                : method != "users.info" ? (200, Error("unknown_method"))
                : Property(body, "user") is not { } user || !_members.TryGetValue(user, out var email) ? (200, Error("user_not_found"))
                : (200, UserInfo(user, email));
            Record(method, http, body, status);
        }
        await WriteAsync(http, status, answer, retryAfter);
    }

    // conversations.history (newest first) or conversations.replies (the parent, then its replies, oldest first), as
    // Slack answers them; metadata only when asked for with include_all_metadata.
    private JsonObject History(string method, JsonElement query)
    {
        var channel = Property(query, "channel");
        if (string.IsNullOrEmpty(channel)) return Error("channel_not_found");
        var withMetadata = Property(query, "include_all_metadata") is "true" or "1";
        var oldest = Property(query, "oldest") is { } o && double.TryParse(o, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000))
            : DateTimeOffset.MinValue;
        IEnumerable<Posted> found;
        if (method == "conversations.replies")
        {
            var ts = Property(query, "ts");
            if (ts is null) return Error("thread_not_found");
            found = _posted.Where(p => p.Channel == channel && (p.Ts == ts || p.ThreadTs == ts) && (p.Ts == ts || p.PostedAt >= oldest));
        }
        else
        {
            found = _posted.Where(p => p.Channel == channel && p.ThreadTs is null && p.PostedAt >= oldest).Reverse();
        }
        var messages = new JsonArray();
        foreach (var p in found)
        {
            var message = p.User is null
                ? new JsonObject { ["type"] = "message", ["text"] = p.Text, ["ts"] = p.Ts, ["bot_id"] = "B0FAKE" }
                : new JsonObject { ["type"] = "message", ["text"] = p.Text, ["ts"] = p.Ts, ["user"] = p.User };
            if (p.ThreadTs is not null) message["thread_ts"] = p.ThreadTs;
            if (withMetadata && p.Metadata is not null) message["metadata"] = p.Metadata.DeepClone();
            messages.Add(message);
        }
        return new JsonObject { ["ok"] = true, ["messages"] = messages, ["has_more"] = false, ["response_metadata"] = new JsonObject { ["next_cursor"] = "" } };
    }

    // usergroups.users.list as Slack answers it: { ok, users: [ids] }, or no_such_subteam for a group it does not know.
    private JsonObject UserGroupMembers(JsonElement query) =>
        Property(query, "usergroup") is { } group && _userGroups.TryGetValue(group, out var users)
            ? new JsonObject { ["ok"] = true, ["users"] = new JsonArray([.. users.Select(u => (JsonNode)JsonValue.Create(u))]) }
            : Error("no_such_subteam");

    // users.info as Slack answers it; the profile has "email" only when the address may be shown (users:read.email).
    private static JsonObject UserInfo(string user, string? email)
    {
        var profile = new JsonObject { ["real_name"] = $"Member {user}", ["display_name"] = user.ToLowerInvariant(), ["team"] = "T0001" };
        if (email is not null) profile["email"] = email;
        return new JsonObject
        {
            ["ok"] = true,
            ["user"] = new JsonObject
            {
                ["id"] = user,
                ["team_id"] = "T0001",
                ["name"] = user.ToLowerInvariant(),
                ["deleted"] = false,
                ["real_name"] = $"Member {user}",
                ["tz"] = "Europe/Berlin",
                ["is_admin"] = false,
                ["is_bot"] = false,
                ["updated"] = 1700000000,
                ["profile"] = profile,
            },
        };
    }

    private async Task HandleResponseUrlAsync(HttpContext http, string id)
    {
        var body = await ReadAsync(http);
        int status;
        string answer;
        string? retryAfter = null;
        lock (_gate)
        {
            (status, answer) = _rateLimited > 0 ? (StatusCodes.Status429TooManyRequests, "rate_limited")
                : TakeFailure(ResponseUrlMethod) is { } error ? (StatusCodes.Status404NotFound, error)
                : (StatusCodes.Status200OK, "ok");
            if (status == StatusCodes.Status429TooManyRequests)
            {
                _rateLimited--;
                retryAfter = RetryAfter();
            }
            Record(ResponseUrlMethod, http, body, status);
        }
        if (retryAfter is not null) http.Response.Headers.RetryAfter = retryAfter;
        http.Response.StatusCode = status;
        // A response URL answers in plain words: "ok", or what went wrong (e.g. "expired_url").
        http.Response.ContentType = "text/plain";
        await http.Response.WriteAsync(answer, http.RequestAborted);
    }

    // Decides the answer as Slack would, in this order: rate limit, token, scripted failure, the method's own checks.
    private (int Status, JsonObject Answer, string? RetryAfter) Answer(string method, HttpContext http, JsonElement body)
    {
        if (DateTimeOffset.UtcNow < _stormUntil) return (StatusCodes.Status429TooManyRequests, Error("ratelimited"), RetryAfter());
        if (_serverErrors > 0)
        {
            _serverErrors--;
            return (StatusCodes.Status503ServiceUnavailable, Error("service_unavailable"), null);
        }
        if (_rateLimited > 0)
        {
            _rateLimited--;
            return (StatusCodes.Status429TooManyRequests, Error("ratelimited"), RetryAfter());
        }
        var auth = http.Request.Headers.Authorization.FirstOrDefault();
        if (string.IsNullOrEmpty(auth)) return (200, Error("not_authed"), null);
        if (auth != $"Bearer {_botToken}") return (200, Error("invalid_auth"), null);
        if (http.Request.ContentType?.StartsWith("application/json", StringComparison.Ordinal) != true) return (200, Error("invalid_form_data"), null);
        if (TakeFailure(method) is { } failure) return (200, Error(failure), null);
        if (body.ValueKind != JsonValueKind.Object) return (200, Error("invalid_json"), null);

        if (method == "views.open")
        {
            // A modal opens for the trigger of a click (valid for 3 seconds at Slack; any non-empty one here).
            if (string.IsNullOrEmpty(Property(body, "trigger_id"))) return (200, Error("invalid_trigger_id"), null);
            if (!body.TryGetProperty("view", out var view) || view.ValueKind != JsonValueKind.Object || Property(view, "type") != "modal") return (200, Error("invalid_arguments"), null);
            var opened = JsonNode.Parse(view.GetRawText())!.AsObject();
            opened["id"] = $"V{++_nextTs:D8}";
            return (200, new JsonObject { ["ok"] = true, ["view"] = opened }, null);
        }

        var channel = Property(body, "channel");
        var text = Property(body, "text");
        var hasBlocks = body.TryGetProperty("blocks", out var blocks) && blocks.ValueKind == JsonValueKind.Array && blocks.GetArrayLength() > 0;
        if (string.IsNullOrEmpty(channel)) return (200, Error("channel_not_found"), null);
        switch (method)
        {
            case "chat.postMessage":
                {
                    if (string.IsNullOrEmpty(text) && !hasBlocks) return (200, Error("no_text"), null);
                    // Slack opens a direct message for a user id and answers with that D… channel.
                    var stored = channel.StartsWith('U') ? "D" + channel[1..] : channel;
                    var ts = NextTs();
                    _messages[$"{stored} {ts}"] = text ?? "";
                    var message = new JsonObject { ["type"] = "message", ["text"] = text, ["ts"] = ts, ["bot_id"] = "B0FAKE" };
                    if (Property(body, "thread_ts") is { } thread) message["thread_ts"] = thread;
                    var metadata = body.TryGetProperty("metadata", out var m) && m.ValueKind == JsonValueKind.Object ? JsonNode.Parse(m.GetRawText()) : null;
                    _posted.Add(new Posted(stored, ts, Property(body, "thread_ts"), text, metadata, DateTimeOffset.UtcNow));
                    return (200, new JsonObject { ["ok"] = true, ["channel"] = stored, ["ts"] = ts, ["message"] = message }, null);
                }
            case "chat.update":
                {
                    var ts = Property(body, "ts");
                    if (ts is null || !_messages.ContainsKey($"{channel} {ts}")) return (200, Error("message_not_found"), null);
                    if (string.IsNullOrEmpty(text) && !hasBlocks) return (200, Error("no_text"), null);
                    _messages[$"{channel} {ts}"] = text ?? "";
                    return (200, new JsonObject { ["ok"] = true, ["channel"] = channel, ["ts"] = ts, ["text"] = text }, null);
                }
            case "chat.postEphemeral":
                if (string.IsNullOrEmpty(Property(body, "user"))) return (200, Error("user_not_found"), null);
                if (string.IsNullOrEmpty(text) && !hasBlocks) return (200, Error("no_text"), null);
                return (200, new JsonObject { ["ok"] = true, ["message_ts"] = NextTs() }, null);
            default:
                return (200, Error("unknown_method"), null);
        }
    }

    private string? TakeFailure(string method) =>
        _failures.TryGetValue(method, out var queue) && queue.TryDequeue(out var error) ? error : null;

    private string? RetryAfter() => _retryAfterSeconds?.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Keeps a person's message (<paramref name="threadTs"/> null: a message in the channel) as Slack would, so that
    /// <c>conversations.replies</c> lists it with its <c>user</c>; returns its ts.
    /// </summary>
    public string AddPersonMessage(string channel, string? threadTs, string user, string text)
    {
        lock (_gate)
        {
            var ts = NextTs();
            _posted.Add(new Posted(channel, ts, threadTs, text, null, DateTimeOffset.UtcNow, user));
            return ts;
        }
    }

    private string NextTs() => $"1700000000.{++_nextTs * 100:D6}";

    private void Record(string method, HttpContext http, JsonElement body, int status)
    {
        _calls.Add(index => new SlackCall(index, method, body, http.Request.Headers.Authorization.FirstOrDefault(), http.Request.ContentType, status, http.Request.Path));
        ConformanceRecorder.Record("slack", method, $"{http.Request.Method} {http.Request.Path}", body);
    }

    private static async Task<JsonElement> ReadAsync(HttpContext http)
    {
        using var reader = new StreamReader(http.Request.Body);
        var text = await reader.ReadToEndAsync(http.RequestAborted);
        try
        {
            return JsonElement.Parse(text);
        }
        catch (JsonException)
        {
            return default;
        }
    }

    private static async Task WriteAsync(HttpContext http, int status, JsonObject answer, string? retryAfter)
    {
        if (retryAfter is not null) http.Response.Headers.RetryAfter = retryAfter;
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json; charset=utf-8";
        await http.Response.WriteAsync(answer.ToJsonString(), http.RequestAborted);
    }

    private sealed record Posted(string Channel, string Ts, string? ThreadTs, string? Text, JsonNode? Metadata, DateTimeOffset PostedAt, string? User = null);

    private static JsonObject Error(string error) => new() { ["ok"] = false, ["error"] = error };

    private static string? Property(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
