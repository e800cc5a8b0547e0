using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChatFlows.Core.Connections;
using ChatFlows.Core.Nodes;
using Octokit;
using Connection = ChatFlows.Core.Connections.Connection;

namespace ChatFlows.Core.Github;

/// <summary>
/// The one place ChatFlows talks to GitHub (README §GitHub): the <c>tool/github</c> node and the <c>github_*</c> agent
/// tools send a <see cref="GithubRequest"/> here. It calls GitHub's REST API through Octokit with the connection's
/// token, answers with a compact object (not Octokit's whole model), and turns GitHub's errors into a
/// <see cref="NodeException"/> that names the action, the repository, the status and GitHub's message.
/// </summary>
public sealed class GithubApi
{
    /// <summary>The API of github.com, used when a connection has no <c>ApiBaseUrl</c>.</summary>
    public static readonly Uri PublicApi = new("https://api.github.com/");

    private const int MaxListed = 100;
    // Made on the first call: a dictionary typed with Octokit's client would load Octokit when the host starts
    // (bench/README.md §Memory).
    private Clients? _clients;

    /// <summary>Sends <paramref name="request"/> with the token of <paramref name="connection"/> (a github connection).</summary>
    /// <exception cref="NodeException">GitHub refused or could not be reached; the message says what to do.</exception>
    public async Task<JsonElement> SendAsync(Connection connection, GithubRequest request, CancellationToken ct)
    {
        var client = ClientFor(connection);
        try
        {
            var result = await CallAsync(client, request);
            return JsonSerializer.SerializeToElement(result);
        }
        catch (ApiException ex)
        {
            throw new NodeException(Describe(connection, request, ex), ex);
        }
        catch (HttpRequestException ex)
        {
            throw new NodeException($"GitHub {request.Action} on {request.Repository} could not reach {BaseUrl(connection)}: {ex.Message}", ex);
        }
        catch (TaskCanceledException ex) when (!ct.IsCancellationRequested)
        {
            throw new NodeException($"GitHub {request.Action} on {request.Repository} timed out waiting for {BaseUrl(connection)}.", ex);
        }
    }

    /// <summary>
    /// The API base of a connection: <c>ApiBaseUrl</c> or github.com's. Octokit adds <c>/api/v3/</c> to any host other
    /// than github.com, so a GitHub Enterprise address may be given with or without it.
    /// </summary>
    public static Uri BaseUrl(Connection connection)
    {
        if (connection.Setting("ApiBaseUrl") is not { } text) return PublicApi;
        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            throw new NodeException($"Connection '{connection.Name}' has ApiBaseUrl '{text}', which is not an absolute http:// or https:// URL; set it to your GitHub Enterprise address, like https://github.example.com/api/v3/.");
        }
        return url;
    }

    private GitHubClient ClientFor(Connection connection)
    {
        var token = connection.Setting("Token")
            ?? throw new NodeException($"Connection '{connection.Name}' has no Token; set ChatFlows:Connections:{connection.Name}:Token to a GitHub token that may use the repository.");
        // One client per address and token, so that their HTTP connections are reused.
        return LazyInitializer.EnsureInitialized(ref _clients).For(BaseUrl(connection), token);
    }

    private static async Task<object> CallAsync(GitHubClient client, GithubRequest request)
    {
        var (owner, name) = (request.Owner, request.Name);
        switch (request.Action)
        {
            case GithubActions.CreateIssue:
                var issue = new NewIssue(request.Title) { Body = request.Body };
                foreach (var label in request.Labels) issue.Labels.Add(label);
                foreach (var login in request.Assignees) issue.Assignees.Add(login);
                return IssueOf(await client.Issue.Create(owner, name, issue));
            case GithubActions.Comment:
                var comment = await client.Issue.Comment.Create(owner, name, Number(request), request.Body);
                return new { id = comment.Id, number = Number(request), url = comment.HtmlUrl, body = comment.Body, user = comment.User?.Login, createdAt = comment.CreatedAt };
            case GithubActions.CloseIssue:
                return IssueOf(await client.Issue.Update(owner, name, Number(request), new IssueUpdate { State = ItemState.Closed }));
            case GithubActions.AddLabels:
                var labels = await client.Issue.Labels.AddToIssue(owner, name, Number(request), request.Labels.ToArray());
                return new { number = Number(request), labels = labels.Select(l => l.Name).ToArray() };
            case GithubActions.GetIssue:
                return IssueOf(await client.Issue.Get(owner, name, Number(request)));
            case GithubActions.GetPullRequest:
                var number = Number(request) <= int.MaxValue ? (int)Number(request) : throw new NodeException($"{Number(request)} is not a pull request number.");
                return PullRequestOf(await client.PullRequest.Get(owner, name, number));
            case GithubActions.ListIssues:
                var filter = new RepositoryIssueRequest
                {
                    State = request.State switch { "closed" => ItemStateFilter.Closed, "all" => ItemStateFilter.All, _ => ItemStateFilter.Open },
                };
                foreach (var label in request.Labels) filter.Labels.Add(label);
                var issues = await client.Issue.GetAllForRepository(owner, name, filter, new ApiOptions { PageSize = MaxListed, PageCount = 1, StartPage = 1 });
                return issues.Select(IssueOf).ToArray();
            default:
                throw new NodeException($"'{request.Action}' is not a GitHub action; use one of {string.Join(", ", GithubActions.All)}.");
        }
    }

    private static long Number(GithubRequest request) =>
        request.Number ?? throw new NodeException($"GitHub {request.Action} needs the issue or pull request number.");

    private static JsonObject IssueOf(Issue issue) => new()
    {
        ["number"] = issue.Number,
        ["title"] = issue.Title,
        ["state"] = issue.State.StringValue,
        ["url"] = issue.HtmlUrl,
        ["body"] = issue.Body,
        ["user"] = issue.User?.Login,
        ["labels"] = new JsonArray(issue.Labels.Select(l => (JsonNode?)l.Name).ToArray()),
        ["assignees"] = new JsonArray(issue.Assignees.Select(a => (JsonNode?)a.Login).ToArray()),
        ["comments"] = issue.Comments,
        ["isPullRequest"] = issue.PullRequest is not null,
        ["createdAt"] = issue.CreatedAt,
        ["closedAt"] = issue.ClosedAt,
    };

    private static JsonObject PullRequestOf(PullRequest pull) => new()
    {
        ["number"] = pull.Number,
        ["title"] = pull.Title,
        ["state"] = pull.State.StringValue,
        ["url"] = pull.HtmlUrl,
        ["body"] = pull.Body,
        ["user"] = pull.User?.Login,
        ["labels"] = new JsonArray(pull.Labels.Select(l => (JsonNode?)l.Name).ToArray()),
        ["head"] = pull.Head?.Ref,
        ["base"] = pull.Base?.Ref,
        ["draft"] = pull.Draft,
        ["merged"] = pull.Merged,
        ["createdAt"] = pull.CreatedAt,
        ["closedAt"] = pull.ClosedAt,
    };

    private static string Describe(Connection connection, GithubRequest request, ApiException ex)
    {
        var what = $"GitHub {request.Action} on {request.Repository}{(request.Number is { } n ? $" #{n}" : "")}";
        var message = string.IsNullOrWhiteSpace(ex.ApiError?.Message) ? ex.Message : ex.ApiError.Message;
        return ex switch
        {
            RateLimitExceededException limit =>
                $"{what} failed: the rate limit of the token of connection '{connection.Name}' is used up ({(int)ex.StatusCode}); it resets at {limit.Reset.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC.",
            AuthorizationException =>
                $"{what} failed: the token of connection '{connection.Name}' is not valid (401 {message}); give the connection a current token.",
            NotFoundException =>
                $"{what} failed: not found or the token cannot see it (404 {message}); check the repository and number, and that the token of connection '{connection.Name}' may read it.",
            ApiValidationException validation =>
                $"{what} failed: GitHub refused it (422 {message}{Errors(validation)}).",
            _ when ex.StatusCode == HttpStatusCode.Forbidden =>
                $"{what} failed: the token of connection '{connection.Name}' may not do this (403 {message}).",
            _ => $"{what} failed: GitHub answered {(int)ex.StatusCode} {message}.",
        };
    }

    private static string Errors(ApiValidationException ex) =>
        ex.ApiError?.Errors is { Count: > 0 } errors
            ? ": " + string.Join("; ", errors.Select(e => e.Message ?? $"{e.Field} {e.Code}"))
            : "";

    private sealed class Clients
    {
        private readonly ConcurrentDictionary<(Uri, string), GitHubClient> _byAddressAndToken = new();

        public GitHubClient For(Uri address, string token) =>
            _byAddressAndToken.GetOrAdd((address, token), key => new GitHubClient(new ProductHeaderValue("ChatFlows"), key.Item1)
            {
                Credentials = new Credentials(key.Item2),
            });
    }
}
