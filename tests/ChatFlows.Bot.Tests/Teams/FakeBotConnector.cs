using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ChatFlows.Bot.Tests.Teams;

/// <summary>
/// A Bot Framework Connector on real Kestrel (127.0.0.1, a free port) speaking its REST API: send to a conversation
/// (<c>POST /v3/conversations/{id}/activities</c>), reply (<c>POST …/activities/{activityId}</c>), update
/// (<c>PUT …/activities/{activityId}</c>), answered with a ResourceResponse <c>{ "id" }</c>, one member
/// (<c>GET /v3/conversations/{id}/members/{userId}</c>) and all of them (<c>GET /v3/conversations/{id}/members</c>, a JSON
/// array of TeamsChannelAccount). Calls without a bearer token are refused with 401 unless it runs
/// for the Emulator; updates of unknown activities with 404. Every request is recorded with the token it carried. It
/// can be told to answer 429 with a Retry-After for the next calls.
/// </summary>
internal sealed class FakeBotConnector : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly bool _requireToken;
    private readonly CallRecorder<ConnectorCall> _calls = new(c => $"{c.Kind} {c.ConversationId} {c.Status} {c.Text}{c.CardJson}");
    private readonly HashSet<string> _activities = new(StringComparer.Ordinal);
    private readonly Dictionary<string, object> _members = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private int _rateLimited;
    private int _retryAfterSeconds = 1;
    private long _nextId = 1700000000000;

    private FakeBotConnector(WebApplication app, bool requireToken)
    {
        _app = app;
        _requireToken = requireToken;
    }

    /// <summary><c>http://127.0.0.1:&lt;port&gt;/</c>, the serviceUrl activities name.</summary>
    public string ServiceUrl => _app.Urls.Single() + "/";

    public IReadOnlyList<ConnectorCall> Calls => _calls.All;

    public static async Task<FakeBotConnector> StartAsync(bool requireToken = true)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var fake = new FakeBotConnector(app, requireToken);
        app.MapPost("/v3/conversations/{conversationId}/activities", (HttpContext http, string conversationId) => fake.HandleAsync(http, "send", conversationId, null));
        app.MapPost("/v3/conversations/{conversationId}/activities/{activityId}", (HttpContext http, string conversationId, string activityId) => fake.HandleAsync(http, "reply", conversationId, activityId));
        app.MapPut("/v3/conversations/{conversationId}/activities/{activityId}", (HttpContext http, string conversationId, string activityId) => fake.HandleAsync(http, "update", conversationId, activityId));
        app.MapGet("/v3/conversations/{conversationId}/members/{userId}", (HttpContext http, string conversationId, string userId) => fake.HandleAsync(http, "member", conversationId, userId));
        app.MapGet("/v3/conversations/{conversationId}/members", (HttpContext http, string conversationId) => fake.HandleAsync(http, "members", conversationId, null));
        app.MapGet("/v3/conversations/{conversationId}/pagedmembers", (HttpContext http, string conversationId) => fake.HandleAsync(http, "pagedmembers", conversationId, null));
        app.MapPost("/v3/conversations", (HttpContext http) => fake.HandleAsync(http, "create", "", null));
        await app.StartAsync();
        return fake;
    }

    /// <summary>Answers the next <paramref name="calls"/> requests with 429 and <c>Retry-After: <paramref name="retryAfterSeconds"/></c>.</summary>
    public void RateLimitNext(int calls, int retryAfterSeconds = 1)
    {
        lock (_gate)
        {
            _rateLimited = calls;
            _retryAfterSeconds = retryAfterSeconds;
        }
    }

    /// <summary>
    /// Makes <paramref name="userId"/> a member of every conversation, whose lookup answers with this object id, user
    /// principal name and e-mail address (by default the user principal name, as for most Entra users).
    /// </summary>
    public void AddMember(string userId, string aadObjectId, string userPrincipalName, string? email = null)
    {
        lock (_gate)
        {
            _members[userId] = new
            {
                id = userId,
                name = userPrincipalName,
                aadObjectId,
                email = email ?? userPrincipalName,
                userPrincipalName,
                tenantId = Conversation.TenantId,
                userRole = "user",
            };
        }
    }

    /// <summary>
    /// How many members one page of <c>pagedmembers</c> holds at most (the Connector may answer with fewer than the
    /// <c>pageSize</c> asked for, and a <c>continuationToken</c> for the rest).
    /// </summary>
    public int MembersPerPage { get; set; } = 500;

    /// <summary>
    /// Checks every activity the bot sent, replied or updated against what the Bot Framework Activity schema asks of
    /// activities a bot generates: <c>type</c>, <c>channelId</c> (<c>msteams</c>), <c>conversation.id</c> (the one
    /// the call was made to) and <c>from.id</c> (the bot), no <c>recipient</c> and no <c>from.name</c>; a reply names
    /// the activity it answers in <c>replyToId</c> and an update the activity it replaces in <c>id</c>.
    /// </summary>
    public void AssertActivitiesAddressed(string botId)
    {
        var activities = Calls.Where(c => c.Kind is "send" or "reply" or "update").ToArray();
        Assert.NotEmpty(activities);
        Assert.All(activities, call =>
        {
            var body = call.Body;
            var what = $"{call.Kind} to {call.ConversationId}: {body.GetRawText()}";
            Assert.True(body.TryGetProperty("type", out var type) && type.GetString() == "message", what);
            Assert.True(body.TryGetProperty("channelId", out var channel) && channel.GetString() == "msteams", what);
            Assert.True(body.TryGetProperty("conversation", out var conversation) && conversation.TryGetProperty("id", out var id) && id.GetString() == call.ConversationId, what);
            Assert.True(body.TryGetProperty("from", out var from) && from.TryGetProperty("id", out var fromId) && fromId.GetString() == botId, what);
            Assert.False(from.TryGetProperty("name", out _), what);
            Assert.False(body.TryGetProperty("recipient", out _), what);
            if (call.Kind == "reply") Assert.True(body.TryGetProperty("replyToId", out var reply) && reply.GetString() == call.ActivityId, what);
            if (call.Kind == "update") Assert.True(body.TryGetProperty("id", out var updated) && updated.GetString() == call.ActivityId, what);
            if (call.Kind == "send") Assert.False(body.TryGetProperty("id", out _), what);
        });
    }

    /// <summary>The calls of one kind, in order.</summary>
    public IReadOnlyList<ConnectorCall> CallsOf(string kind) => Calls.Where(c => c.Kind == kind).ToArray();

    /// <summary>Waits (without sleeping) until a recorded call satisfies <paramref name="match"/>, and returns it.</summary>
    public Task<ConnectorCall> WaitForAsync(Func<ConnectorCall, bool> match, TimeSpan? timeout = null) =>
        _calls.WaitForAsync(match, timeout ?? TimeSpan.FromSeconds(15), "Connector call");

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext http, string kind, string conversationId, string? activityId)
    {
        var body = kind is "member" or "members" or "pagedmembers" ? default : await JsonSerializer.DeserializeAsync<JsonElement>(http.Request.Body);
        var authorization = http.Request.Headers.Authorization.FirstOrDefault();
        int status;
        object? answer;
        string? retryAfter = null;
        lock (_gate)
        {
            if (_rateLimited > 0)
            {
                _rateLimited--;
                (status, answer, retryAfter) = (429, Error("TooManyRequests", "Slow down"), _retryAfterSeconds.ToString(CultureInfo.InvariantCulture));
            }
            else if (_requireToken && authorization?.StartsWith("Bearer bot-token-", StringComparison.Ordinal) != true)
            {
                (status, answer) = (401, Error("Unauthorized", "Authorization has been denied for this request."));
            }
            else if (kind == "members")
            {
                (status, answer) = (200, _members.Values.ToArray());
            }
            else if (kind == "pagedmembers")
            {
                // A PagedMembersResult: { continuationToken, members }; the token is where the next page starts.
                var start = int.TryParse(http.Request.Query["continuationToken"], CultureInfo.InvariantCulture, out var from) ? from : 0;
                var page = _members.Values.Skip(start).Take(MembersPerPage).ToArray();
                var next = start + page.Length < _members.Count ? (start + page.Length).ToString(CultureInfo.InvariantCulture) : null;
                (status, answer) = (200, new { continuationToken = next, members = page });
            }
            else if (kind == "create")
            {
                // A ConversationResourceResponse: the personal chat's id (the same for the same member, as Teams answers).
                var member = body.TryGetProperty("members", out var members) && members.GetArrayLength() == 1 ? members[0].GetProperty("id").GetString() : null;
                (status, answer) = member is null
                    ? (400, Error("BadArgument", "Exactly one member is required to create a personal conversation."))
                    : (200, new { id = $"a:1{member}", serviceUrl = ServiceUrl });
            }
            else if (kind == "member")
            {
                (status, answer) = _members.TryGetValue(activityId!, out var member) ? (200, member) : (404, Error("MemberNotFoundInConversation", "The member was not found."));
            }
            else if (kind == "update" && !_activities.Contains(activityId!))
            {
                (status, answer) = (404, Error("ActivityNotFoundInConversation", "The activity was not found."));
            }
            else
            {
                var id = kind == "update" ? activityId! : (++_nextId).ToString(CultureInfo.InvariantCulture);
                _activities.Add(id);
                if (kind == "send") activityId = id;
                (status, answer) = (200, new { id });
            }
            _calls.Add(_ => new ConnectorCall(kind, conversationId, activityId, authorization, body, status));
            ConformanceRecorder.Record(kind == "create" ? "teams-conversation" : "teams", kind, $"{http.Request.Method} {http.Request.Path}", body);
        }
        if (retryAfter is not null) http.Response.Headers.RetryAfter = retryAfter;
        http.Response.StatusCode = status;
        await http.Response.WriteAsJsonAsync(answer);
    }

    private static object Error(string code, string message) => new { error = new { code, message } };
}
