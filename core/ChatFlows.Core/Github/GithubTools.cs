using System.ComponentModel;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ChatFlows.Core.Agents;
using ChatFlows.Core.Connections;
using ChatFlows.Core.Nodes;
using Microsoft.SemanticKernel;

namespace ChatFlows.Core.Github;

/// <summary>
/// The agent tools over GitHub (README §GitHub): <c>github_create_issue</c>, <c>github_comment</c>,
/// <c>github_add_labels</c>, <c>github_get_issue</c> and <c>github_list_issues</c>. Each takes the name of a github
/// connection the agent lists in its <c>connections</c>, and sends through the same <see cref="GithubApi"/> as the
/// <c>tool/github</c> node. A change is recorded on the agent node under a hash of its arguments, so the same call
/// in a re-executed node returns what was done instead of doing it again.
/// </summary>
public static class GithubTools
{
    public const string CreateIssue = "github_create_issue";
    public const string Comment = "github_comment";
    public const string AddLabels = "github_add_labels";
    public const string GetIssue = "github_get_issue";
    public const string ListIssues = "github_list_issues";

    private const string ConnectionHelp = "The name of a github connection this agent may use.";
    private const string RepositoryHelp = "The repository as owner/name, like octo-org/website.";

    /// <summary>Adds the GitHub tools to <paramref name="catalog"/>.</summary>
    public static AgentToolCatalog AddGithub(this AgentToolCatalog catalog, ConnectionRegistry connections, GithubApi api)
    {
        Task<JsonElement> Send(Kernel kernel, string connection, GithubRequest request, CancellationToken ct) => SendAsync(kernel, connections, api, connection, request, ct);

        catalog.Add(CreateIssue, "Creates a GitHub issue.", () => KernelFunctionFactory.CreateFromMethod(
            (Kernel kernel, [Description(ConnectionHelp)] string connection, [Description(RepositoryHelp)] string repository,
                [Description("The issue's title.")] string title, [Description("The issue's text, in Markdown.")] string? body = null,
                [Description("Labels to set.")] string[]? labels = null, [Description("Logins of people to assign.")] string[]? assignees = null, CancellationToken ct = default) =>
                Send(kernel, connection, new GithubRequest(GithubActions.CreateIssue, repository) { Title = title, Body = body, Labels = labels ?? [], Assignees = assignees ?? [] }, ct),
            functionName: CreateIssue,
            description: "Creates an issue and returns {number, title, state, url, labels, assignees}."));
        catalog.Add(Comment, "Comments on a GitHub issue or pull request.", () => KernelFunctionFactory.CreateFromMethod(
            (Kernel kernel, [Description(ConnectionHelp)] string connection, [Description(RepositoryHelp)] string repository,
                [Description("The issue or pull request number.")] long number, [Description("The comment, in Markdown.")] string body, CancellationToken ct = default) =>
                Send(kernel, connection, new GithubRequest(GithubActions.Comment, repository) { Number = number, Body = body }, ct),
            functionName: Comment,
            description: "Posts a comment on an issue or pull request and returns {id, number, url}."));
        catalog.Add(AddLabels, "Adds labels to a GitHub issue or pull request.", () => KernelFunctionFactory.CreateFromMethod(
            (Kernel kernel, [Description(ConnectionHelp)] string connection, [Description(RepositoryHelp)] string repository,
                [Description("The issue or pull request number.")] long number, [Description("The labels to add.")] string[] labels, CancellationToken ct = default) =>
                Send(kernel, connection, new GithubRequest(GithubActions.AddLabels, repository) { Number = number, Labels = labels }, ct),
            functionName: AddLabels,
            description: "Adds labels to an issue or pull request and returns {number, labels} with all its labels."));
        catalog.Add(GetIssue, "Reads a GitHub issue.", () => KernelFunctionFactory.CreateFromMethod(
            (Kernel kernel, [Description(ConnectionHelp)] string connection, [Description(RepositoryHelp)] string repository,
                [Description("The issue number.")] long number, CancellationToken ct = default) =>
                Send(kernel, connection, new GithubRequest(GithubActions.GetIssue, repository) { Number = number }, ct),
            functionName: GetIssue,
            description: "Returns an issue as {number, title, state, url, body, user, labels, assignees, comments}."));
        catalog.Add(ListIssues, "Lists a repository's GitHub issues.", () => KernelFunctionFactory.CreateFromMethod(
            (Kernel kernel, [Description(ConnectionHelp)] string connection, [Description(RepositoryHelp)] string repository,
                [Description("open, closed or all; open when left out.")] string? state = null, [Description("Only issues with all of these labels.")] string[]? labels = null,
                CancellationToken ct = default) =>
                Send(kernel, connection, new GithubRequest(GithubActions.ListIssues, repository) { State = state, Labels = labels ?? [] }, ct),
            functionName: ListIssues,
            description: "Lists up to 100 issues (pull requests included, marked isPullRequest), newest first."));
        return catalog;
    }

    private static async Task<JsonElement> SendAsync(Kernel kernel, ConnectionRegistry connections, GithubApi api, string connectionName, GithubRequest request, CancellationToken ct)
    {
        var context = AgentToolContext.From(kernel);
        var connection = context.UseConnection(connections, connectionName, ConnectionTypes.Github);
        request = request with { Repository = request.Repository.Trim() };
        if (!GithubRequest.IsRepository(request.Repository)) throw new ArgumentException($"'{request.Repository}' is not a repository; {GithubRequest.RepositoryRule}.");
        try
        {
            GithubCalls.Check(request);
            if (!GithubActions.Changes(request.Action)) return await api.SendAsync(connection, request, ct);

            var effect = EffectOf(connectionName, request);
            if (await context.Node.Effects.FindAsync(effect, ct) is { } recorded) return recorded;
            var output = await api.SendAsync(connection, request, ct);
            await context.Node.Effects.RecordAsync(effect, output, ct);
            return output;
        }
        catch (NodeException ex)
        {
            // The model reads the message and may correct its call.
            throw new InvalidOperationException(ex.Message, ex);
        }
    }

    // The same call (action, connection and arguments) in the same agent node is one effect.
    private static string EffectOf(string connection, GithubRequest request)
    {
        var arguments = JsonSerializer.SerializeToUtf8Bytes(new
        {
            connection,
            request.Action,
            request.Repository,
            request.Number,
            request.Title,
            request.Body,
            request.Labels,
            request.Assignees,
        });
        return $"{request.Action}:{Convert.ToHexStringLower(SHA256.HashData(arguments))[..32]}";
    }
}
