using System.Text.Json;
using ChatFlows.Core.Agents;
using ChatFlows.Core.Audit;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Storage;
using ChatFlows.Core.Workspaces;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using ValidationProblem = Microsoft.AspNetCore.Http.HttpResults.ValidationProblem;

namespace ChatFlows.Canvas.Api;

/// <summary>
/// <c>/api/agents</c> (README §HTTP API): the agents <c>agent</c> nodes refer to. An update may name the version it was based
/// on in <c>If-Match</c> (409 when someone saved in between); an agent a workflow uses cannot be deleted. Agents belong to
/// the workspace of the path (<c>/api/w/{workspace}/agents</c>, README §Workspaces and roles): another workspace's agent
/// answers 404 as if it did not exist, and its id cannot be taken again.
/// </summary>
public static class AgentsApi
{
    /// <summary>Largest agent accepted, in bytes.</summary>
    public const int MaxAgentBytes = 256 * 1024;

    private const string InvalidTitle = "The agent is not valid.";

    private static readonly JsonSerializerOptions InputJson = new(JsonSerializerDefaults.Web);

    /// <summary>Maps list, get, create, update and delete, and the list of tools agents may call.</summary>
    public static RouteGroupBuilder MapAgentsApi(this IEndpointRouteBuilder app)
    {
        var agents = app.MapGroup("/api/agents");
        agents.MapGet("/", ListAsync).RequireRole(Role.Viewer);
        agents.MapGet("/{id}", GetAsync).RequireRole(Role.Viewer);
        agents.MapPost("/", CreateAsync).RequireRole(Role.Editor);
        agents.MapPut("/{id}", UpdateAsync).RequireRole(Role.Editor);
        agents.MapDelete("/{id}", DeleteAsync).RequireRole(Role.Editor);
        // Beside the group, not under it, so that no agent id ("tools") is shadowed.
        app.MapGet("/api/agent-tools", ListTools).RequireRole(Role.Viewer);
        return agents;
    }

    private static async Task<Ok<AgentToolList>> ListTools(AgentToolCatalog catalog, IEnumerable<IAgentToolSource> sources, CancellationToken ct)
    {
        var tools = catalog.Tools.Select(t => new AgentToolSummary(t.Name, t.Description)).ToList();
        foreach (var source in sources) tools.AddRange((await source.ListAsync(ct)).Select(t => new AgentToolSummary(t.Name, t.Description)));
        return TypedResults.Ok(new AgentToolList(tools));
    }

    private static async Task<Ok<AgentList>> ListAsync(HttpContext http, IAgentStore agents, CancellationToken ct) =>
        TypedResults.Ok(new AgentList(await agents.ListAsync(WorkspaceRoute.Of(http), ct)));

    // The agent of this id in the request's workspace; another workspace's is as absent as a missing one.
    private static async Task<AgentDefinition?> FindAsync(IAgentStore agents, string id, HttpContext http, CancellationToken ct) =>
        await agents.GetAsync(id, ct) is { } agent && agent.Workspace == WorkspaceRoute.Of(http) ? agent : null;

    private static async Task<Results<Ok<AgentDefinition>, ProblemHttpResult>> GetAsync(string id, HttpResponse response, IAgentStore agents, CancellationToken ct)
    {
        var agent = await FindAsync(agents, id, response.HttpContext, ct);
        if (agent is null) return NoSuchAgent(id);
        response.Headers.ETag = IfMatch.ETag(agent.Version);
        return TypedResults.Ok(agent);
    }

    private static async Task<Results<Created<AgentDefinition>, ProblemHttpResult, ValidationProblem>> CreateAsync(
        HttpRequest request, HttpResponse response, IAgentStore agents, AgentValidator validator, IAuditLog audit, CancellationToken ct)
    {
        var (agent, unreadable) = await ReadAsync(request, null, ct);
        if (unreadable is not null) return unreadable;
        var workspace = WorkspaceRoute.Of(request.HttpContext);
        agent = agent! with { Workspace = workspace };
        if (await InvalidAsync(validator, request, agent, ct) is { } invalid) return invalid;
        var saved = await agents.CreateAsync(agent, ct);
        if (saved is null)
        {
            // Ids are unique across the install; whose agent holds it elsewhere is not told.
            if (await FindAsync(agents, agent.Id, request.HttpContext, ct) is null)
            {
                return TypedResults.Problem(
                    title: "The agent id is taken.",
                    detail: $"The id '{agent.Id}' is taken; pick another id.",
                    statusCode: StatusCodes.Status409Conflict);
            }
            return TypedResults.Problem(
                title: "The agent already exists.",
                detail: $"An agent with the id '{agent.Id}' already exists; change it with PUT {WorkspaceRoute.ApiPrefix(workspace)}/agents/{agent.Id}, or pick another id.",
                statusCode: StatusCodes.Status409Conflict);
        }
        response.Headers.ETag = IfMatch.ETag(saved.Version);
        await audit.RecordAsync(request.HttpContext, AuditActions.AgentSaved, saved.Id, $"created version {saved.Version}");
        return TypedResults.Created($"{WorkspaceRoute.ApiPrefix(workspace)}/agents/{Uri.EscapeDataString(saved.Id)}", saved);
    }

    private static async Task<Results<Ok<AgentDefinition>, ProblemHttpResult, ValidationProblem>> UpdateAsync(
        string id, HttpRequest request, HttpResponse response, IAgentStore agents, AgentValidator validator, IAuditLog audit, CancellationToken ct)
    {
        if (!IfMatch.TryRead(request, "agent", out var expected, out var badIfMatch)) return badIfMatch;
        var (agent, unreadable) = await ReadAsync(request, id, ct);
        if (unreadable is not null) return unreadable;
        if (agent!.Id != id)
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["id"] = [$"The agent's id '{agent.Id}' differs from '{id}' in the URL; an agent cannot be renamed by saving it. Leave id out or make it '{id}'."] },
                title: InvalidTitle);
        }
        agent = agent with { Workspace = WorkspaceRoute.Of(request.HttpContext) };
        if (await InvalidAsync(validator, request, agent, ct) is { } invalid) return invalid;
        // The store saves only where the id and the workspace both match, so another workspace's agent stays as it is.
        var saved = await agents.SaveAsync(agent, expected, ct);
        if (saved is null)
        {
            var current = await FindAsync(agents, id, request.HttpContext, ct);
            if (current is null) return NoSuchAgent(id);
            return TypedResults.Problem(
                title: "The agent was changed by someone else.",
                detail: $"Agent '{id}' is at version {current.Version}, not {expected}. Load it again, check the change, and save with If-Match: \"{current.Version}\".",
                statusCode: StatusCodes.Status409Conflict);
        }
        response.Headers.ETag = IfMatch.ETag(saved.Version);
        await audit.RecordAsync(request.HttpContext, AuditActions.AgentSaved, saved.Id, $"saved version {saved.Version}");
        return TypedResults.Ok(saved);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string id, HttpContext http, IAgentStore agents, IWorkflowStore workflows, IAuditLog audit, CancellationToken ct)
    {
        if (await FindAsync(agents, id, http, ct) is null) return NoSuchAgent(id);
        // Only the workspace's own workflows can use its agent, and only they are named.
        var users = (await workflows.ListAsync(ct))
            .Where(w => w.Document.Workspace == WorkspaceRoute.Of(http) && w.Document.Nodes.Any(n => n.Type == NodeTypes.Agent && n.Config["agent"]?.GetValueKind() == JsonValueKind.String && n.Config["agent"]!.GetValue<string>() == id))
            .Select(w => w.Document.Id)
            .ToArray();
        if (users.Length > 0)
        {
            return TypedResults.Problem(
                title: "The agent is in use.",
                detail: $"Agent '{id}' is used by {string.Join(", ", users.Select(u => $"'{u}'"))}; change those workflows to use another agent first.",
                statusCode: StatusCodes.Status409Conflict,
                extensions: new Dictionary<string, object?> { ["workflows"] = users });
        }
        if (!await agents.DeleteAsync(id, ct)) return NoSuchAgent(id);
        await audit.RecordAsync(http, AuditActions.AgentDeleted, id);
        return TypedResults.NoContent();
    }

    private static async Task<(AgentDefinition? Agent, ProblemHttpResult? Problem)> ReadAsync(HttpRequest request, string? id, CancellationToken ct)
    {
        var body = await RequestBody.ReadAsync(request, MaxAgentBytes, ct);
        if (body is null) return (null, RequestBody.TooLarge(MaxAgentBytes, "An agent"));
        if (!RequestBody.TryParseJson(body, out var json, out var error)) return (null, Unreadable(error!));
        if (json.ValueKind != JsonValueKind.Object) return (null, Unreadable("The body must be a JSON object: {\"id\", \"name\", \"instructions\", \"model\", \"temperature\", \"maxOutputTokens\", \"tools\", \"connections\", \"knowledge\", \"confirm\"}."));
        try
        {
            var input = json.Deserialize<AgentInput>(InputJson)!;
            return (new AgentDefinition
            {
                Id = input.Id ?? id ?? "",
                Name = input.Name ?? "",
                Instructions = input.Instructions ?? "",
                Model = string.IsNullOrWhiteSpace(input.Model) ? null : input.Model,
                Temperature = input.Temperature,
                MaxOutputTokens = input.MaxOutputTokens,
                Tools = input.Tools ?? [],
                Connections = input.Connections ?? [],
                Knowledge = input.Knowledge ?? [],
                Confirm = input.Confirm ?? [],
            }, null);
        }
        catch (JsonException ex)
        {
            var field = ex.Path?.TrimStart('$', '.') ?? "";
            return (null, Unreadable($"'{field}' has the wrong type: {ex.Message.Split(" Path:")[0]}"));
        }
    }

    // Also what the workspace's tool permissions refuse (README §Workspaces and roles), each at its field (tools/1).
    private static async Task<ValidationProblem?> InvalidAsync(AgentValidator validator, HttpRequest request, AgentDefinition agent, CancellationToken ct)
    {
        var policies = request.HttpContext.RequestServices.GetRequiredService<WorkspacePolicies>();
        var problems = (await validator.ValidateAsync(agent, ct)).Concat(await policies.CheckAgentAsync(agent, WorkspaceRoute.Of(request.HttpContext), ct)).ToList();
        return ValidationProblems.From(problems, InvalidTitle);
    }

    private static ProblemHttpResult Unreadable(string detail) =>
        TypedResults.Problem(title: "The agent could not be read.", detail: detail, statusCode: StatusCodes.Status400BadRequest);

    private static ProblemHttpResult NoSuchAgent(string id) =>
        TypedResults.Problem(title: "No such agent.", detail: $"There is no agent '{id}'.", statusCode: StatusCodes.Status404NotFound);


    private sealed record AgentInput(string? Id, string? Name, string? Instructions, string? Model, double? Temperature, int? MaxOutputTokens, IReadOnlyList<string>? Tools, IReadOnlyList<string>? Connections,
        IReadOnlyList<string>? Knowledge, IReadOnlyList<string>? Confirm);
}
