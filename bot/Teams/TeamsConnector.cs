using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ChatFlows.Bot.Chat;
using Microsoft.Extensions.Options;

namespace ChatFlows.Bot.Teams;

/// <summary>
/// The Bot Framework Connector REST calls ChatFlows makes, at the <c>serviceUrl</c> of the conversation (the
/// Connector differs by region, so every call names it): send to a conversation
/// (<c>POST v3/conversations/{id}/activities</c>), reply to an activity (<c>POST …/activities/{activityId}</c>) and
/// update one (<c>PUT …/activities/{activityId}</c>), each with the bot's token and addressed from the conversation's
/// reference (<see cref="TeamsOutgoingActivity"/>); and read its members (<c>GET …/members</c>). A 429 throws
/// <see cref="ChatRateLimitedException"/> with the Retry-After Teams asks for, other failures
/// <see cref="TeamsConnectorException"/> (retryable for 5xx and no answer). Sends and updates are tried once: their
/// callers retry with the one <see cref="ChatRetryPolicy"/> (the card poster, the update coalescer, a run's
/// messages); replies to a person and member lookups are retried here with the same policy for a short while.
/// Without an app id nothing is sent, except in local emulator mode, and then to a loopback <c>serviceUrl</c> only.
/// </summary>
public sealed class TeamsConnector(HttpClient http, TeamsTokenProvider tokens, TimeProvider time, IOptions<TeamsOptions> options, ChatRetryPolicy retry)
{
    /// <summary>How long a reply to a person or a member lookup is retried while Teams fails or asks to wait.</summary>
    public static readonly TimeSpan InlineRetryBudget = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Posts <paramref name="activity"/> to a conversation of <paramref name="reference"/> (or, with a <c>;messageid=</c>
    /// id, to a channel thread); returns its id.
    /// </summary>
    public Task<string> SendAsync(TeamsConversationReference reference, string conversationId, TeamsOutgoingActivity activity, CancellationToken ct) =>
        PostAsync(
            $"send to {conversationId}", reference.ServiceUrl, $"v3/conversations/{Uri.EscapeDataString(conversationId)}/activities",
            Addressed(activity, reference, conversationId), ct);

    /// <summary>Posts <paramref name="activity"/> as a reply to activity <paramref name="replyToId"/>, in its thread; returns its id.</summary>
    public Task<string> ReplyAsync(TeamsConversationReference reference, string conversationId, string replyToId, TeamsOutgoingActivity activity, CancellationToken ct) =>
        retry.RunAsync(
            token => PostAsync(
                $"reply in {conversationId}", reference.ServiceUrl,
                $"v3/conversations/{Uri.EscapeDataString(conversationId)}/activities/{Uri.EscapeDataString(replyToId)}",
                Addressed(activity, reference, conversationId) with { ReplyToId = replyToId }, token),
            InlineRetryBudget, rateLimitsCount: true, ct);

    /// <summary>Replaces activity <paramref name="activityId"/> (a card posted by the bot) with <paramref name="activity"/>.</summary>
    public async Task UpdateAsync(TeamsConversationReference reference, string conversationId, string activityId, TeamsOutgoingActivity activity, CancellationToken ct)
    {
        var path = $"v3/conversations/{Uri.EscapeDataString(conversationId)}/activities/{Uri.EscapeDataString(activityId)}";
        await CallAsync($"update of {activityId} in {conversationId}", HttpMethod.Put, reference.ServiceUrl, path, Addressed(activity, reference, conversationId) with { Id = activityId }, ct);
    }

    /// <summary>
    /// The members of a conversation (<c>GET v3/conversations/{id}/members</c>, for a channel its team's): each with
    /// their Teams id (<c>29:…</c>), Entra object id, user principal name and e-mail address.
    /// </summary>
    public async Task<IReadOnlyList<TeamsAccount>> GetMembersAsync(string serviceUrl, string conversationId, CancellationToken ct)
    {
        var operation = $"member list of {conversationId}";
        var path = $"v3/conversations/{Uri.EscapeDataString(conversationId)}/members";
        var answer = await retry.RunAsync(token => CallAsync(operation, HttpMethod.Get, serviceUrl, path, null, token), InlineRetryBudget, rateLimitsCount: true, ct);
        return answer is { ValueKind: JsonValueKind.Array } json
            ? json.Deserialize<TeamsAccount[]>(TeamsActivity.Json)!
            : throw new TeamsConnectorException(operation, 200, "InvalidResponse", "the answer is not a list of members");
    }

    /// <summary>
    /// One member of a conversation as Teams knows them (<c>GET v3/conversations/{id}/members/{userId}</c>): their
    /// Entra object id and, unlike in activities, their user principal name.
    /// </summary>
    public async Task<TeamsAccount> GetMemberAsync(string serviceUrl, string conversationId, string userId, CancellationToken ct)
    {
        var operation = $"member lookup of {userId} in {conversationId}";
        var path = $"v3/conversations/{Uri.EscapeDataString(conversationId)}/members/{Uri.EscapeDataString(userId)}";
        var answer = await retry.RunAsync(token => CallAsync(operation, HttpMethod.Get, serviceUrl, path, null, token), InlineRetryBudget, rateLimitsCount: true, ct);
        return answer is { ValueKind: JsonValueKind.Object } json
            ? json.Deserialize<TeamsAccount>(TeamsActivity.Json)!
            : throw new TeamsConnectorException(operation, 200, "InvalidResponse", "the answer is not a member");
    }

    /// <summary>
    /// Every member of a conversation page by page (<c>GET v3/conversations/{id}/pagedmembers</c>, following its
    /// <c>continuationToken</c>): for a channel, its team's members.
    /// </summary>
    public async Task<IReadOnlyList<TeamsAccount>> GetPagedMembersAsync(string serviceUrl, string conversationId, CancellationToken ct)
    {
        var operation = $"member list of {conversationId}";
        var members = new List<TeamsAccount>();
        string? continuation = null;
        // A bound, so a Connector that keeps answering with a token cannot keep this going for good.
        for (var page = 0; page < 100; page++)
        {
            var path = $"v3/conversations/{Uri.EscapeDataString(conversationId)}/pagedmembers?pageSize=500"
                + (continuation is null ? "" : $"&continuationToken={Uri.EscapeDataString(continuation)}");
            var answer = await retry.RunAsync(token => CallAsync(operation, HttpMethod.Get, serviceUrl, path, null, token), InlineRetryBudget, rateLimitsCount: true, ct);
            if (answer is not { ValueKind: JsonValueKind.Object } json || !json.TryGetProperty("members", out var list) || list.ValueKind != JsonValueKind.Array)
                throw new TeamsConnectorException(operation, 200, "InvalidResponse", "the answer is not a page of members");
            members.AddRange(list.Deserialize<TeamsAccount[]>(TeamsActivity.Json)!);
            continuation = Text(json, "continuationToken");
            if (string.IsNullOrEmpty(continuation)) break;
        }
        return members;
    }

    /// <summary>
    /// Opens (or finds) the bot's personal chat with <paramref name="userId"/> (<c>POST v3/conversations</c> with the bot,
    /// the member, the tenant and <c>isGroup: false</c>); returns the conversation id.
    /// </summary>
    public async Task<string> CreatePersonalConversationAsync(string serviceUrl, string botId, string userId, string? tenantId, CancellationToken ct)
    {
        var operation = $"personal chat with {userId}";
        var body = new TeamsConversationParameters(new TeamsAccount(botId), [new TeamsAccount(userId)], tenantId, false,
            tenantId is null ? null : new TeamsChannelDataTenant(new TeamsTenant(tenantId)));
        var answer = await retry.RunAsync(token => CallJsonAsync(operation, HttpMethod.Post, serviceUrl, "v3/conversations", JsonSerializer.SerializeToUtf8Bytes(body, TeamsActivity.Json), token),
            InlineRetryBudget, rateLimitsCount: true, ct);
        return answer is { ValueKind: JsonValueKind.Object } json && Text(json, "id") is { Length: > 0 } id
            ? id
            : throw new TeamsConnectorException(operation, 200, "InvalidResponse", "the answer names no conversation id");
    }

    // The Activity schema's addressing of an activity the bot generates (see TeamsOutgoingActivity): the channel, the
    // bot as sender (its id only) and the conversation, whatever the caller set.
    private static TeamsOutgoingActivity Addressed(TeamsOutgoingActivity activity, TeamsConversationReference reference, string conversationId) =>
        activity with
        {
            ChannelId = reference.ActivityChannelId,
            From = new TeamsAccount(reference.BotId),
            Conversation = new TeamsConversationAccount(conversationId),
        };

    private async Task<string> PostAsync(string operation, string serviceUrl, string path, TeamsOutgoingActivity activity, CancellationToken ct)
    {
        var answer = await CallAsync(operation, HttpMethod.Post, serviceUrl, path, activity, ct);
        // The Connector answers with a ResourceResponse: { "id": "<activity id>" }.
        return answer is { ValueKind: JsonValueKind.Object } json && json.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String && id.GetString() is { Length: > 0 } value
            ? value
            : throw new TeamsConnectorException(operation, 200, "InvalidResponse", "the answer names no activity id");
    }

    private Task<JsonElement?> CallAsync(string operation, HttpMethod method, string serviceUrl, string path, TeamsOutgoingActivity? activity, CancellationToken ct) =>
        CallJsonAsync(operation, method, serviceUrl, path, activity is null ? null : JsonSerializer.SerializeToUtf8Bytes(activity, TeamsActivity.Json), ct);

    private async Task<JsonElement?> CallJsonAsync(string operation, HttpMethod method, string serviceUrl, string path, byte[]? body, CancellationToken ct)
    {
        if (TeamsOptions.UrlProblem(serviceUrl) is { } problem) throw new TeamsConnectorException(operation, 0, "InvalidServiceUrl", $"the conversation's serviceUrl {problem}");
        if (!options.Value.IsConfigured)
        {
            // Without the bot's token only the emulator on this machine is ever called (README §Security).
            if (!options.Value.Emulator)
                throw new TeamsConnectorException(operation, 0, "NotConfigured", $"Teams is not set up; set {TeamsOptions.SectionName}:AppId and AppPassword.");
            if (!TeamsOptions.IsLoopbackUrl(serviceUrl))
                throw new TeamsConnectorException(operation, 0, "InvalidServiceUrl", $"in local emulator mode ({TeamsOptions.SectionName}:Emulator) only a loopback serviceUrl is called, not {serviceUrl}");
        }
        var url = new Uri(new Uri(serviceUrl.EndsWith('/') ? serviceUrl : serviceUrl + "/"), path);

        var token = await tokens.GetTokenAsync(ct);
        using var request = new HttpRequestMessage(method, url);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        }
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, ct);
        }
        catch (HttpRequestException e)
        {
            throw new TeamsConnectorException(operation, 0, null, e.Message, e);
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(ct);
            if (response.IsSuccessStatusCode) return Parse(text);
            var status = (int)response.StatusCode;
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                ChatMetrics.CountThrottled(TeamsAddress.Platform, CallName(method, path));
                var wait = RetryAfter(response.Headers.RetryAfter);
                throw new ChatRateLimitedException(wait, $"Teams {operation} was rate limited (HTTP 429); Teams asks to wait {wait.TotalSeconds:0.#} s.");
            }
            var (code, message) = Error(Parse(text));
            throw new TeamsConnectorException(operation, status, code, message);
        }
    }

    // A call's name for metrics, without the conversation and activity ids of its path.
    private static string CallName(HttpMethod method, string path) =>
        method.Method + (path.Contains("/activities", StringComparison.Ordinal) ? " activities"
            : path.Contains("/members", StringComparison.Ordinal) ? " members"
            : " conversations");

    // Without a Retry-After, the policy's first backoff.
    private TimeSpan RetryAfter(RetryConditionHeaderValue? header)
    {
        var wait = header switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - time.GetUtcNow(),
            _ => retry.Backoff(1),
        };
        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
    }

    private static JsonElement? Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        try
        {
            return JsonElement.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // The Connector's ErrorResponse: { "error": { "code": "…", "message": "…" } }.
    private static (string? Code, string? Message) Error(JsonElement? answer)
    {
        if (answer is not { ValueKind: JsonValueKind.Object } json || !json.TryGetProperty("error", out var error) || error.ValueKind != JsonValueKind.Object) return (null, null);
        return (Text(error, "code"), Text(error, "message"));
    }

    private static string? Text(JsonElement value, string property) =>
        value.TryGetProperty(property, out var found) && found.ValueKind == JsonValueKind.String ? found.GetString() : null;
}
