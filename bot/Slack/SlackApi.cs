using System.Net;
using System.Net.Http.Headers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Unicode;
using ChatFlows.Bot.Chat;
using ChatFlows.Core.Messaging;
using Microsoft.Extensions.Options;

namespace ChatFlows.Bot.Slack;

/// <summary>
/// The Slack Web API methods ChatFlows calls, over a typed <see cref="HttpClient"/> whose base address is
/// <see cref="SlackOptions.ApiBaseUrl"/>: JSON bodies, the bot token as a bearer token. A 429 throws
/// <see cref="ChatRateLimitedException"/> with Slack's Retry-After; an <c>ok: false</c> answer throws
/// <see cref="SlackApiException"/> naming the method and Slack's error code.
/// </summary>
public sealed class SlackApi(HttpClient http, IOptions<SlackOptions> options, TimeProvider time)
{
    /// <summary>The name a failed <see cref="RespondAsync"/> reports as its method.</summary>
    public const string ResponseUrl = "response_url";

    // Slack asks for a wait in whole seconds; without one, a second is the pace its posting limits allow.
    private static readonly TimeSpan DefaultRetryAfter = TimeSpan.FromSeconds(1);

    private static readonly JsonElement EmptyBlocks = JsonElement.Parse("[]");

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
    };

    /// <summary>
    /// <c>chat.postMessage</c>: posts <paramref name="message"/> to <paramref name="channel"/>, as a reply in the thread
    /// of <paramref name="threadTs"/> when given. Returns where Slack put it.
    /// </summary>
    public Task<SlackPostedMessage> PostMessageAsync(string channel, SlackMessage message, string? threadTs, CancellationToken ct) =>
        PostMessageAsync(channel, message, threadTs, null, ct);

    /// <summary>
    /// <c>chat.postMessage</c> with <paramref name="metadata"/> (Slack's message metadata: an <c>event_type</c> and an
    /// <c>event_payload</c> object), which <see cref="FindMessageAsync"/> finds the message by.
    /// </summary>
    public async Task<SlackPostedMessage> PostMessageAsync(string channel, SlackMessage message, string? threadTs, SlackMetadata? metadata, CancellationToken ct)
    {
        const string Method = "chat.postMessage";
        var answer = await CallAsync(Method, new PostMessageRequest(channel, Fit(message.Text), message.Blocks, threadTs, metadata), ct);
        return new SlackPostedMessage(Text(answer, "channel") ?? channel, Text(answer, "ts") ?? throw Missing(Method, "ts"));
    }

    /// <summary><c>chat.update</c>: replaces the text and blocks of message <paramref name="ts"/> in <paramref name="channel"/>.</summary>
    public async Task UpdateMessageAsync(string channel, string ts, SlackMessage message, CancellationToken ct)
    {
        // Without blocks Slack keeps the old ones beside the new text; an empty list clears them.
        var blocks = message.Blocks ?? EmptyBlocks;
        await CallAsync("chat.update", new UpdateRequest(channel, ts, Fit(message.Text), blocks), ct);
    }

    /// <summary>
    /// <c>views.open</c>: opens <paramref name="view"/> (a modal) for the person whose click gave
    /// <paramref name="triggerId"/>; Slack accepts a trigger for 3 seconds after the click.
    /// </summary>
    public async Task OpenViewAsync(string triggerId, JsonElement view, CancellationToken ct) =>
        await CallAsync("views.open", new OpenViewRequest(triggerId, view), ct);

    /// <summary>
    /// <c>chat.postEphemeral</c>: shows <paramref name="text"/> (mrkdwn) to <paramref name="user"/> only, in
    /// <paramref name="channel"/> or in the thread of <paramref name="threadTs"/>. Returns the message's ts.
    /// </summary>
    public async Task<string> PostEphemeralAsync(string channel, string user, string text, string? threadTs, CancellationToken ct)
    {
        const string Method = "chat.postEphemeral";
        var answer = await CallAsync(Method, new EphemeralRequest(channel, user, Fit(text), threadTs), ct);
        return Text(answer, "message_ts") ?? throw Missing(Method, "message_ts");
    }

    /// <summary>
    /// Answers through a slash command's or a click's <c>response_url</c> (no token: the URL is the credential):
    /// privately to the person (<paramref name="ephemeral"/>) or to the channel, or in place of the message clicked
    /// (<paramref name="replaceOriginal"/>).
    /// </summary>
    public async Task RespondAsync(string responseUrl, SlackMessage message, bool ephemeral, bool replaceOriginal, CancellationToken ct)
    {
        if (SlackOptions.UrlProblem(responseUrl) is { } problem) throw new ArgumentException($"The response URL {problem}", nameof(responseUrl));
        var body = new ResponseUrlRequest(Fit(message.Text), message.Blocks, replaceOriginal ? null : ephemeral ? "ephemeral" : "in_channel", replaceOriginal);
        using var request = new HttpRequestMessage(HttpMethod.Post, responseUrl) { Content = Content(body) };
        await SendAsync(ResponseUrl, request, ct);
    }

    /// <summary>
    /// <c>users.info</c>: the e-mail address of member <paramref name="user"/> (<c>user.profile.email</c>), or null when
    /// Slack shows none (bots, or a workspace that hides addresses). Needs the <c>users:read.email</c> scope.
    /// </summary>
    public async Task<string?> GetUserEmailAsync(string user, CancellationToken ct)
    {
        const string Method = "users.info";
        var answer = await ReadAsync(Method, $"{Method}?user={Uri.EscapeDataString(user)}", ct);
        if (!answer.TryGetProperty("user", out var member) || member.ValueKind != JsonValueKind.Object) throw Missing(Method, "user");
        if (member.TryGetProperty("is_bot", out var bot) && bot.ValueKind == JsonValueKind.True) return null;
        return member.TryGetProperty("profile", out var profile) && Text(profile, "email") is { Length: > 0 } email ? email : null;
    }

    /// <summary>
    /// <c>usergroups.users.list</c>: the member ids of user group <paramref name="userGroup"/> (<c>S…</c>). Needs the
    /// <c>usergroups:read</c> scope.
    /// </summary>
    public async Task<IReadOnlyList<string>> GetUserGroupMembersAsync(string userGroup, CancellationToken ct)
    {
        const string Method = "usergroups.users.list";
        var answer = await ReadAsync(Method, $"{Method}?usergroup={Uri.EscapeDataString(userGroup)}", ct);
        if (!answer.TryGetProperty("users", out var users) || users.ValueKind != JsonValueKind.Array) throw Missing(Method, "users");
        return users.EnumerateArray().Where(u => u.ValueKind == JsonValueKind.String).Select(u => u.GetString()!).ToArray();
    }

    // Callers cut long text where it reads best, with a pointer to the rest; this is the last resort, so that no text
    // ChatFlows sends is over Slack's 4,000 characters (SlackText.MaxMessageText).
    private static string Fit(string text) => SlackText.Fit(text, SlackText.CutNote);

    /// <summary>
    /// Finds a message in <paramref name="channel"/> (or, with <paramref name="threadTs"/>, in that thread) posted at or
    /// after <paramref name="oldest"/> whose metadata satisfies <paramref name="match"/>: <c>conversations.history</c>
    /// (or <c>conversations.replies</c>) with <c>include_all_metadata=true</c>, page by page. Returns its ts, or null.
    /// Needs the <c>channels:history</c>, <c>groups:history</c>, <c>im:history</c> and <c>mpim:history</c> scopes.
    /// </summary>
    public async Task<string?> FindMessageAsync(string channel, string? threadTs, DateTimeOffset oldest, Func<SlackMetadata, bool> match, CancellationToken ct)
    {
        var method = threadTs is null ? "conversations.history" : "conversations.replies";
        var since = (oldest.ToUnixTimeMilliseconds() / 1000.0).ToString("0.000000", System.Globalization.CultureInfo.InvariantCulture);
        string? cursor = null;
        for (var page = 0; page < 10; page++)
        {
            var query = $"{method}?channel={Uri.EscapeDataString(channel)}&oldest={since}&include_all_metadata=true&limit=200"
                + (threadTs is null ? "" : $"&ts={Uri.EscapeDataString(threadTs)}")
                + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}");
            var answer = await ReadAsync(method, query, ct);
            if (answer.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array)
            {
                foreach (var message in messages.EnumerateArray())
                {
                    if (!message.TryGetProperty("metadata", out var found) || found.ValueKind != JsonValueKind.Object) continue;
                    var metadata = found.Deserialize<SlackMetadata>(Json);
                    if (metadata is not null && match(metadata) && Text(message, "ts") is { } ts) return ts;
                }
            }
            cursor = answer.TryGetProperty("response_metadata", out var paging) ? Text(paging, "next_cursor") : null;
            if (string.IsNullOrEmpty(cursor)) return null;
        }
        return null;
    }

    /// <summary>
    /// The newest <paramref name="limit"/> messages of the thread <paramref name="threadTs"/> in <paramref name="channel"/>,
    /// its parent first and oldest first (<c>conversations.replies</c>, page by page); a message with a <c>bot_id</c> is
    /// the bot's. Needs the same history scopes as <see cref="FindMessageAsync"/>.
    /// </summary>
    public async Task<IReadOnlyList<ThreadMessage>> ReadRepliesAsync(string channel, string threadTs, int limit, CancellationToken ct)
    {
        const string Method = "conversations.replies";
        var found = new List<ThreadMessage>();
        string? cursor = null;
        for (var page = 0; page < 10; page++)
        {
            var query = $"{Method}?channel={Uri.EscapeDataString(channel)}&ts={Uri.EscapeDataString(threadTs)}&limit=200"
                + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}");
            var answer = await ReadAsync(Method, query, ct);
            if (answer.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array)
            {
                foreach (var message in messages.EnumerateArray())
                {
                    if (Text(message, "text") is not { Length: > 0 } text || Text(message, "ts") is not { } ts) continue;
                    var fromBot = message.TryGetProperty("bot_id", out _);
                    var user = fromBot ? null : Text(message, "user") is { } id ? $"{SlackAddress.Platform}:{id}" : null;
                    found.Add(new ThreadMessage(SlackText.Unescape(text), fromBot, user, ts));
                }
            }
            cursor = answer.TryGetProperty("response_metadata", out var paging) ? Text(paging, "next_cursor") : null;
            if (string.IsNullOrEmpty(cursor)) break;
        }
        return found.TakeLast(limit).ToArray();
    }

    // A read method: Slack takes its arguments in the query string, not as a JSON body.
    private async Task<JsonElement> ReadAsync(string method, string pathAndQuery, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(options.Value.BotToken)) throw new SlackApiException(method, "not_authed", detail: "no bot token is set");
        using var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.Value.BotToken);
        return await SendAsync(method, request, ct);
    }

    private async Task<JsonElement> CallAsync<TRequest>(string method, TRequest body, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(options.Value.BotToken)) throw new SlackApiException(method, "not_authed", detail: "no bot token is set");
        using var request = new HttpRequestMessage(HttpMethod.Post, method) { Content = Content(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.Value.BotToken);
        return await SendAsync(method, request, ct);
    }

    private async Task<JsonElement> SendAsync(string method, HttpRequestMessage request, CancellationToken ct)
    {
        using var response = await http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            ChatMetrics.CountThrottled(SlackAddress.Platform, method);
            var wait = RetryAfter(response.Headers.RetryAfter);
            throw new ChatRateLimitedException(wait, $"Slack {method} was rate limited (HTTP 429); Slack asks to wait {wait.TotalSeconds:0.#} s.");
        }

        var answer = Parse(text);
        var status = (int)response.StatusCode;
        if (answer is { ValueKind: JsonValueKind.Object } json && json.TryGetProperty("ok", out var ok) && ok.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            if (ok.ValueKind == JsonValueKind.True && response.IsSuccessStatusCode) return json;
            throw new SlackApiException(method, Text(json, "error") ?? $"http_{status}", status, Detail(json));
        }
        // A response URL answers in plain text ("ok", or an error code such as "expired_url").
        if (response.IsSuccessStatusCode) return default;
        var code = text.Trim() is { Length: > 0 and <= 64 } word && !word.Contains(' ', StringComparison.Ordinal) ? word : $"http_{status}";
        throw new SlackApiException(method, code, status);
    }

    private TimeSpan RetryAfter(RetryConditionHeaderValue? header)
    {
        var wait = header switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - time.GetUtcNow(),
            _ => DefaultRetryAfter,
        };
        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
    }

    private static ByteArrayContent Content<T>(T body)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, Json));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }

    private static JsonElement? Parse(string text)
    {
        try
        {
            return JsonElement.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // What Slack adds to some errors: the scope it needs, or why the blocks are invalid.
    private static string? Detail(JsonElement answer)
    {
        var parts = new List<string>();
        if (Text(answer, "needed") is { } needed) parts.Add($"needs scope {needed}");
        if (answer.TryGetProperty("response_metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object
            && metadata.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array)
        {
            parts.AddRange(messages.EnumerateArray().Where(m => m.ValueKind == JsonValueKind.String).Select(m => m.GetString()!));
        }
        return parts.Count == 0 ? null : string.Join("; ", parts);
    }

    private static string? Text(JsonElement value, string property) =>
        value.ValueKind == JsonValueKind.Object && value.TryGetProperty(property, out var found) && found.ValueKind == JsonValueKind.String ? found.GetString() : null;

    private static SlackApiException Missing(string method, string property) =>
        new(method, "invalid_response", detail: $"the answer has no '{property}'");

    private sealed record PostMessageRequest(string Channel, string Text, JsonElement? Blocks, string? ThreadTs, SlackMetadata? Metadata);

    private sealed record UpdateRequest(string Channel, string Ts, string Text, JsonElement Blocks);

    private sealed record OpenViewRequest(string TriggerId, JsonElement View);

    private sealed record EphemeralRequest(string Channel, string User, string Text, string? ThreadTs);

    private sealed record ResponseUrlRequest(string Text, JsonElement? Blocks, string? ResponseType, bool ReplaceOriginal);
}
