using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ChatFlows.Core.Tests.Github;

/// <summary>
/// A local stand-in for GitHub's REST API on real Kestrel (127.0.0.1, a free port), answering the issue and pull
/// request endpoints ChatFlows uses in GitHub's own wire format (snake_case fields, <c>html_url</c>, <c>user</c> and
/// <c>labels</c> objects) under <c>/api/v3/</c>, where Octokit sends requests for any host but github.com (as for
/// GitHub Enterprise). It checks the token, answers errors as GitHub does (<c>{message, documentation_url}</c> with
/// 401, 404, 422, and 403 for a used-up rate limit), and records every request.
/// </summary>
internal sealed class FakeGitHub : IAsyncDisposable
{
    public const string Token = "ghp_FakeTokenForTests0123456789abcdef";
    private const string Docs = "https://docs.github.com/rest";
    private static readonly string[] Assignable = ["octocat", "hubot"];

    private readonly WebApplication _app;
    private readonly Lock _gate = new();
    private readonly List<Received> _received = [];
    private readonly Dictionary<string, List<JsonObject>> _repositories = new(StringComparer.OrdinalIgnoreCase);
    private int _nextId = 1000;

    private FakeGitHub(WebApplication app) => _app = app;

    /// <summary><c>http://127.0.0.1:&lt;port&gt;/</c>: the ApiBaseUrl of a connection to this fake.</summary>
    public string BaseUrl => _app.Urls.Single() + "/";

    /// <summary>When set, every request is refused as GitHub refuses one over the rate limit, resetting at this time.</summary>
    public DateTimeOffset? RateLimitedUntil { get; set; }

    /// <summary>Every request received so far, in order.</summary>
    public IReadOnlyList<Received> Requests
    {
        get
        {
            lock (_gate) return _received.ToArray();
        }
    }

    public static async Task<FakeGitHub> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var fake = new FakeGitHub(app);
        var repos = app.MapGroup("/api/v3/repos/{owner}/{repo}");
        repos.MapPost("/issues", fake.CreateIssueAsync);
        repos.MapGet("/issues", fake.ListIssues);
        repos.MapGet("/issues/{number:long}", fake.GetIssue);
        repos.MapMethods("/issues/{number:long}", ["PATCH"], fake.UpdateIssueAsync);
        repos.MapPost("/issues/{number:long}/comments", fake.CommentAsync);
        repos.MapPost("/issues/{number:long}/labels", fake.AddLabelsAsync);
        repos.MapGet("/pulls/{number:long}", fake.GetPullRequest);
        app.Use(fake.GuardAsync);
        await app.StartAsync();
        return fake;
    }

    /// <summary>Adds a repository (and returns its name) that the token can see.</summary>
    public string AddRepository(string fullName)
    {
        lock (_gate) _repositories.TryAdd(fullName, []);
        return fullName;
    }

    /// <summary>Adds an issue (or, with <paramref name="pull"/>, a pull request) and returns its number.</summary>
    public long AddIssue(string fullName, string title, string[]? labels = null, string state = "open", string? body = null, (string Head, string Base)? pull = null)
    {
        lock (_gate)
        {
            var issues = _repositories[fullName];
            var issue = NewIssue(fullName, issues.Count + 1, title, body, labels ?? [], [], state);
            if (pull is { } refs)
            {
                issue["pull_request"] = new JsonObject { ["url"] = $"{BaseUrl}api/v3/repos/{fullName}/pulls/{issues.Count + 1}" };
                issue["head_ref"] = refs.Head;
                issue["base_ref"] = refs.Base;
            }
            issues.Add(issue);
            return issues.Count;
        }
    }

    /// <summary>The issue as the fake holds it now (GitHub's JSON), or null.</summary>
    public JsonObject? Issue(string fullName, long number)
    {
        lock (_gate) return Find(fullName, number)?.DeepClone().AsObject();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task GuardAsync(HttpContext http, Func<Task> next)
    {
        http.Request.EnableBuffering();
        var body = await new StreamReader(http.Request.Body).ReadToEndAsync();
        http.Request.Body.Position = 0;
        var authorization = http.Request.Headers.Authorization.ToString();
        lock (_gate)
        {
            _received.Add(new Received(http.Request.Method, http.Request.Path.Value ?? "", http.Request.QueryString.Value ?? "", body, authorization, http.Request.Headers.UserAgent.ToString()));
        }
        // Octokit sends "token <token>"; GitHub takes "Bearer <token>" too.
        var parts = authorization.Split(' ', 2);
        if (parts.Length != 2 || !(parts[0].Equals("token", StringComparison.OrdinalIgnoreCase) || parts[0].Equals("bearer", StringComparison.OrdinalIgnoreCase)) || parts[1] != Token)
        {
            await Error(401, "Bad credentials").ExecuteAsync(http);
            return;
        }
        if (RateLimitedUntil is { } reset)
        {
            http.Response.Headers["X-RateLimit-Limit"] = "5000";
            http.Response.Headers["X-RateLimit-Remaining"] = "0";
            http.Response.Headers["X-RateLimit-Reset"] = reset.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            await Error(403, "API rate limit exceeded for user ID 1.").ExecuteAsync(http);
            return;
        }
        await next();
    }

    private async Task<IResult> CreateIssueAsync(string owner, string repo, HttpRequest request)
    {
        var input = await JsonNode.ParseAsync(request.Body) as JsonObject;
        var title = input?["title"]?.GetValue<string>();
        lock (_gate)
        {
            if (!_repositories.TryGetValue($"{owner}/{repo}", out var issues)) return Error(404, "Not Found");
            if (string.IsNullOrWhiteSpace(title)) return ValidationFailed("Issue", "title", "missing_field");
            if (Strings(input?["assignees"]).FirstOrDefault(a => !Assignable.Contains(a)) is { } stranger) return ValidationFailed("Issue", "assignees", "invalid", stranger);
            var issue = NewIssue($"{owner}/{repo}", issues.Count + 1, title, input?["body"]?.GetValue<string>(), Strings(input?["labels"]), Strings(input?["assignees"]), "open");
            issues.Add(issue);
            return Json(201, issue);
        }
    }

    private IResult ListIssues(string owner, string repo, string? state, string? labels)
    {
        lock (_gate)
        {
            if (!_repositories.TryGetValue($"{owner}/{repo}", out var issues)) return Error(404, "Not Found");
            var wanted = (labels ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries);
            var listed = issues
                .Where(i => (state ?? "open") == "all" || i["state"]!.GetValue<string>() == (state ?? "open"))
                .Where(i => wanted.All(w => LabelNames(i).Contains(w)))
                .Reverse()
                .Select(i => (JsonNode?)i.DeepClone())
                .ToArray();
            return Json(200, new JsonArray(listed));
        }
    }

    private IResult GetIssue(string owner, string repo, long number)
    {
        lock (_gate) return Find($"{owner}/{repo}", number) is { } issue ? Json(200, issue) : Error(404, "Not Found");
    }

    private async Task<IResult> UpdateIssueAsync(string owner, string repo, long number, HttpRequest request)
    {
        var input = await JsonNode.ParseAsync(request.Body) as JsonObject;
        lock (_gate)
        {
            if (Find($"{owner}/{repo}", number) is not { } issue) return Error(404, "Not Found");
            if (input?["state"]?.GetValue<string>() is { } state)
            {
                if (state is not ("open" or "closed")) return ValidationFailed("Issue", "state", "invalid");
                issue["state"] = state;
                issue["closed_at"] = state == "closed" ? "2026-11-24T10:05:00Z" : null;
            }
            return Json(200, issue);
        }
    }

    private async Task<IResult> CommentAsync(string owner, string repo, long number, HttpRequest request)
    {
        var input = await JsonNode.ParseAsync(request.Body) as JsonObject;
        lock (_gate)
        {
            if (Find($"{owner}/{repo}", number) is not { } issue) return Error(404, "Not Found");
            if (string.IsNullOrWhiteSpace(input?["body"]?.GetValue<string>())) return ValidationFailed("IssueComment", "body", "missing_field");
            issue["comments"] = issue["comments"]!.GetValue<int>() + 1;
            var id = ++_nextId;
            return Json(201, new JsonObject
            {
                ["id"] = id,
                ["node_id"] = $"IC_{id}",
                ["url"] = $"{BaseUrl}api/v3/repos/{owner}/{repo}/issues/comments/{id}",
                ["html_url"] = $"https://github.example.com/{owner}/{repo}/issues/{number}#issuecomment-{id}",
                ["issue_url"] = $"{BaseUrl}api/v3/repos/{owner}/{repo}/issues/{number}",
                ["body"] = input!["body"]!.GetValue<string>(),
                ["user"] = User("chatflows-bot"),
                ["created_at"] = "2026-11-24T10:01:00Z",
                ["updated_at"] = "2026-11-24T10:01:00Z",
                ["author_association"] = "NONE",
            });
        }
    }

    private async Task<IResult> AddLabelsAsync(string owner, string repo, long number, HttpRequest request)
    {
        // GitHub takes a bare array of names, or {"labels": [...]}.
        var input = await JsonNode.ParseAsync(request.Body);
        var names = Strings(input is JsonObject wrapped ? wrapped["labels"] : input);
        lock (_gate)
        {
            if (Find($"{owner}/{repo}", number) is not { } issue) return Error(404, "Not Found");
            if (names.Length == 0) return ValidationFailed("Label", "labels", "missing_field");
            var labels = issue["labels"]!.AsArray();
            foreach (var name in names.Where(n => !LabelNames(issue).Contains(n))) labels.Add(Label(name));
            return Json(200, labels.DeepClone());
        }
    }

    private IResult GetPullRequest(string owner, string repo, long number)
    {
        lock (_gate)
        {
            if (Find($"{owner}/{repo}", number) is not { } issue || issue["pull_request"] is null) return Error(404, "Not Found");
            var pull = issue.DeepClone().AsObject();
            pull.Remove("pull_request");
            pull["url"] = $"{BaseUrl}api/v3/repos/{owner}/{repo}/pulls/{number}";
            pull["html_url"] = $"https://github.example.com/{owner}/{repo}/pull/{number}";
            pull["head"] = new JsonObject { ["label"] = $"{owner}:{pull["head_ref"]}", ["ref"] = pull["head_ref"]!.GetValue<string>(), ["sha"] = new string('a', 40), ["user"] = User(owner) };
            pull["base"] = new JsonObject { ["label"] = $"{owner}:{pull["base_ref"]}", ["ref"] = pull["base_ref"]!.GetValue<string>(), ["sha"] = new string('b', 40), ["user"] = User(owner) };
            pull["draft"] = false;
            pull["merged"] = false;
            pull["mergeable"] = true;
            pull["merged_at"] = null;
            return Json(200, pull);
        }
    }

    private JsonObject? Find(string fullName, long number) =>
        _repositories.TryGetValue(fullName, out var issues) && number >= 1 && number <= issues.Count ? issues[(int)number - 1] : null;

    private JsonObject NewIssue(string fullName, long number, string title, string? body, string[] labels, string[] assignees, string state) => new()
    {
        ["id"] = ++_nextId,
        ["node_id"] = $"I_{_nextId}",
        ["url"] = $"{BaseUrl}api/v3/repos/{fullName}/issues/{number}",
        ["repository_url"] = $"{BaseUrl}api/v3/repos/{fullName}",
        ["html_url"] = $"https://github.example.com/{fullName}/issues/{number}",
        ["number"] = number,
        ["state"] = state,
        ["title"] = title,
        ["body"] = body,
        ["user"] = User("octocat"),
        ["labels"] = new JsonArray(labels.Select(l => (JsonNode?)Label(l)).ToArray()),
        ["assignee"] = assignees.Length > 0 ? User(assignees[0]) : null,
        ["assignees"] = new JsonArray(assignees.Select(a => (JsonNode?)User(a)).ToArray()),
        ["locked"] = false,
        ["comments"] = 0,
        ["created_at"] = "2026-11-24T10:00:00Z",
        ["updated_at"] = "2026-11-24T10:00:00Z",
        ["closed_at"] = state == "closed" ? "2026-11-24T10:05:00Z" : null,
        ["author_association"] = "OWNER",
    };

    private static JsonObject User(string login) => new()
    {
        ["login"] = login,
        ["id"] = Math.Abs(login.GetHashCode(StringComparison.Ordinal) % 100000),
        ["node_id"] = $"U_{login}",
        ["avatar_url"] = $"https://avatars.example.com/{login}",
        ["html_url"] = $"https://github.example.com/{login}",
        ["type"] = "User",
        ["site_admin"] = false,
    };

    private static JsonObject Label(string name) => new()
    {
        ["id"] = Math.Abs(name.GetHashCode(StringComparison.Ordinal) % 100000),
        ["node_id"] = $"LA_{name}",
        ["url"] = $"https://api.example.com/labels/{Uri.EscapeDataString(name)}",
        ["name"] = name,
        ["description"] = null,
        ["color"] = "ededed",
        ["default"] = false,
    };

    private static string[] LabelNames(JsonObject issue) => issue["labels"]!.AsArray().Select(l => l!["name"]!.GetValue<string>()).ToArray();

    private static string[] Strings(JsonNode? node) => node is JsonArray array ? array.Select(n => n!.GetValue<string>()).ToArray() : [];

    private static IResult Json(int status, JsonNode node) => Results.Text(node.ToJsonString(), "application/json; charset=utf-8", statusCode: status);

    private static IResult Error(int status, string message) =>
        Json(status, new JsonObject { ["message"] = message, ["documentation_url"] = Docs, ["status"] = status.ToString(CultureInfo.InvariantCulture) });

    private static IResult ValidationFailed(string resource, string field, string code, string? value = null) => Json(422, new JsonObject
    {
        ["message"] = "Validation Failed",
        ["errors"] = new JsonArray(new JsonObject { ["value"] = value, ["resource"] = resource, ["code"] = code, ["field"] = field }),
        ["documentation_url"] = Docs,
        ["status"] = "422",
    });

    /// <summary>One request as the fake received it.</summary>
    public sealed record Received(string Method, string Path, string Query, string Body, string Authorization, string UserAgent)
    {
        public JsonNode? Json => Body.Length == 0 ? null : JsonNode.Parse(Body);
    }
}
