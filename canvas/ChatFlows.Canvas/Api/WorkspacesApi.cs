using System.Text.Json;
using System.Text.RegularExpressions;
using ChatFlows.Core.Agents;
using ChatFlows.Core.Audit;
using ChatFlows.Core.Connections;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Mcp;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Workspaces;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using ValidationProblem = Microsoft.AspNetCore.Http.HttpResults.ValidationProblem;

namespace ChatFlows.Canvas.Api;

/// <summary>
/// Workspaces (README §Workspaces and roles): <c>GET /api/workspaces</c> lists them for the canvas's switcher and for
/// scripts, <c>POST /api/workspaces</c> {id, name} creates one, and <c>GET</c>/<c>PUT /api/w/{workspace}/settings</c> {name, policy, channels}. Every field is checked; a problem
/// names it (<c>policy/httpHosts/2</c>). Both changes are written to the audit log.
/// </summary>
public static partial class WorkspacesApi
{
    /// <summary>Largest settings document accepted, in bytes.</summary>
    public const int MaxSettingsBytes = 256 * 1024;

    /// <summary>Longest workspace name, in characters.</summary>
    public const int MaxNameLength = 80;

    private const string InvalidTitle = "The workspace settings are not valid.";

    /// <summary>The lists of a policy, as its JSON names them.</summary>
    public static IReadOnlyList<string> PolicyLists { get; } = ["nodeKinds", "tools", "httpHosts", "connections", "mcpServers", "workflows"];

    /// <summary>Maps list, create, and get and change of the addressed workspace's settings.</summary>
    public static IEndpointRouteBuilder MapWorkspacesApi(this IEndpointRouteBuilder app)
    {
        // Every caller lists workspaces, whichever ones they hold a role in.
        app.MapGet("/api/workspaces", ListAsync).RequireRole(Role.None);
        app.MapPost("/api/workspaces", CreateAsync).RequireRole(Role.Admin);
        app.MapGet("/api/settings", GetAsync).RequireRole(Role.Viewer);
        app.MapPut("/api/settings", UpdateAsync).RequireRole(Role.Admin);
        return app;
    }

    private static async Task<Ok<WorkspaceList>> ListAsync(HttpContext http, IWorkspaceStore workspaces, CancellationToken ct)
    {
        var all = await workspaces.ListAsync(ct);
        return TypedResults.Ok(new WorkspaceList(
            all.Select(w => new WorkspaceSummary(w.Id, w.Name, WorkspaceRoute.ApiPrefix(w.Id), WorkspaceRoute.PagePrefix(w.Id) + "/")).ToArray(),
            WorkspaceRoute.Of(http)));
    }

    private static async Task<Results<Created<Workspace>, ProblemHttpResult, ValidationProblem>> CreateAsync(
        HttpContext http, IWorkspaceStore workspaces, IWorkspaceGrants grants, IAuditLog audit, TimeProvider time, CancellationToken ct)
    {
        var (json, unreadable) = await ReadAsync(http.Request, "{\"id\": \"hr\", \"name\": \"HR\"}", ct);
        if (unreadable is not null) return unreadable;
        var problems = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var id = Text(json, "id", problems);
        if (id is null) problems.TryAdd("id", ["The workspace needs an id, like 'hr' or 'platform-team'."]);
        else if (WorkspaceIds.Problem(id) is { } bad) problems["id"] = [bad];
        var name = Name(json, problems) ?? id;
        if (problems.Count > 0) return TypedResults.ValidationProblem(problems, title: "The workspace is not valid.");

        var workspace = new Workspace(id!, name!, WorkspacePolicy.Open, [], time.GetUtcNow());
        if (!await workspaces.CreateAsync(workspace, ct))
        {
            return TypedResults.Problem(
                title: "The workspace already exists.",
                detail: $"A workspace with the id '{id}' already exists; change it with PUT /api/w/{id}/settings, or pick another id.",
                statusCode: StatusCodes.Status409Conflict);
        }
        // A new workspace starts with its creator as its admin and nobody else.
        var creator = Caller.Of(http)?.Id ?? Principals.Local;
        await grants.SetAsync(new WorkspaceGrant(id!, creator, Role.Admin, creator, time.GetUtcNow()), ct);
        await audit.RecordAsync(http, AuditActions.WorkspaceCreated, id!, $"name: {name}; admin: {creator}");
        return TypedResults.Created($"/api/w/{id}/settings", workspace);
    }

    private static async Task<Results<Ok<Workspace>, ProblemHttpResult>> GetAsync(HttpContext http, IWorkspaceStore workspaces, CancellationToken ct)
    {
        var id = WorkspaceRoute.Of(http);
        return await workspaces.GetAsync(id, ct) is { } workspace ? TypedResults.Ok(workspace) : NoSuchWorkspace(id);
    }

    private static async Task<Results<Ok<Workspace>, ProblemHttpResult, ValidationProblem>> UpdateAsync(
        HttpContext http, IWorkspaceStore workspaces, NodeRegistry registry, AgentToolCatalog tools, IAuditLog audit, CancellationToken ct)
    {
        var id = WorkspaceRoute.Of(http);
        if (await workspaces.GetAsync(id, ct) is not { } current) return NoSuchWorkspace(id);
        var (json, unreadable) = await ReadAsync(http.Request, "{\"name\": \"HR\", \"policy\": {\"httpHosts\": [\"api.hr.example\"]}, \"channels\": [\"slack:C0123ABCD\"]}", ct);
        if (unreadable is not null) return unreadable;

        var problems = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var name = Name(json, problems);
        if (name is null && !problems.ContainsKey("name")) problems["name"] = ["The workspace needs a name, like 'HR'."];
        var known = (await workspaces.ListAsync(ct)).Select(w => w.Id).ToHashSet(StringComparer.Ordinal);
        var policy = ReadPolicy(json, registry, tools, known, problems);
        var channels = ReadChannels(json, problems);
        if (problems.Count > 0) return TypedResults.ValidationProblem(problems, detail: "Fix the problems below and save again.", title: InvalidTitle);

        var changed = current with { Name = name!, Policy = policy, Channels = channels };
        if (!await workspaces.UpdateAsync(changed, ct)) return NoSuchWorkspace(id);
        await audit.RecordAsync(http, AuditActions.WorkspaceChanged, id, Describe(current, changed));
        return TypedResults.Ok(await workspaces.GetAsync(id, ct) ?? changed);
    }

    private static string? Name(JsonElement json, Dictionary<string, string[]> problems)
    {
        var name = Text(json, "name", problems);
        if (name is null) return null;
        if (name.Trim().Length == 0) problems["name"] = ["The name is empty; give 1 to 80 characters, like 'HR'."];
        else if (name.Any(char.IsControl)) problems["name"] = ["The name must be one line, without line breaks or control characters."];
        else if (name.Length > MaxNameLength) problems["name"] = [$"The name has {name.Length} characters; at most {MaxNameLength} are allowed."];
        else return name.Trim();
        return null;
    }

    private static WorkspacePolicy ReadPolicy(JsonElement json, NodeRegistry registry, AgentToolCatalog tools, HashSet<string> workspaces, Dictionary<string, string[]> problems)
    {
        if (!json.TryGetProperty("policy", out var policy) || policy.ValueKind == JsonValueKind.Null) return WorkspacePolicy.Open;
        if (policy.ValueKind != JsonValueKind.Object)
        {
            problems["policy"] = ["policy must be an object of lists (nodeKinds, tools, httpHosts, connections, mcpServers, workflows); a list left out or null allows everything."];
            return WorkspacePolicy.Open;
        }
        foreach (var property in policy.EnumerateObject().Where(p => !PolicyLists.Contains(p.Name)))
        {
            problems[$"policy/{property.Name}"] = [$"'{property.Name}' is not a policy list; use {string.Join(", ", PolicyLists)}."];
        }
        var kinds = registry.Kinds.Select(k => k.Name).ToArray();
        var toolNames = tools.Tools.Select(t => t.Name).ToArray();
        return new WorkspacePolicy(
            List(policy, "nodeKinds", problems, kind => kinds.Contains(kind, StringComparer.Ordinal) ? null : $"'{kind}' is not a node kind; use one of {string.Join(", ", kinds)}."),
            List(policy, "tools", problems, tool => toolNames.Contains(tool, StringComparer.Ordinal) ? null
                : $"'{tool}' is not a tool; use one of {string.Join(", ", toolNames)} (MCP servers go under mcpServers, other workspaces' workflows under workflows)."),
            List(policy, "httpHosts", problems, host => HostPattern().IsMatch(host) ? null
                : $"'{host}' is not a host name; write a name like api.hr.example, or *.hr.example for every host under it (no scheme, port or path)."),
            List(policy, "connections", problems, connection => ConnectionRegistry.IsValidName(connection) ? null : $"'{connection}' is not a connection name; {ConnectionRegistry.NameRule}."),
            List(policy, "mcpServers", problems, server => McpOptions.IsValidName(server) ? null : $"'{server}' is not an MCP server name; {McpOptions.NameRule}."),
            List(policy, "workflows", problems, workspace => workspaces.Contains(workspace) ? null
                : WorkspaceIds.Problem(workspace) ?? $"There is no workspace '{workspace}'; create it first, or leave it out."));
    }

    private static IReadOnlyList<string>? List(JsonElement policy, string field, Dictionary<string, string[]> problems, Func<string, string?> check)
    {
        if (!policy.TryGetProperty(field, out var list) || list.ValueKind == JsonValueKind.Null) return null;
        var path = $"policy/{field}";
        if (list.ValueKind != JsonValueKind.Array)
        {
            problems[path] = [$"{field} must be a list of strings, or null to allow everything."];
            return null;
        }
        var items = new List<string>();
        var i = 0;
        foreach (var item in list.EnumerateArray())
        {
            var itemPath = $"{path}/{i++}";
            if (item.ValueKind != JsonValueKind.String) problems[itemPath] = [$"Each entry of {field} must be a string."];
            else if (item.GetString()!.Trim() is var text && check(text) is { } problem) problems[itemPath] = [problem];
            else if (items.Contains(text, StringComparer.OrdinalIgnoreCase)) problems[itemPath] = [$"'{text}' is listed twice."];
            else items.Add(text);
        }
        return items;
    }

    private static IReadOnlyList<string> ReadChannels(JsonElement json, Dictionary<string, string[]> problems)
    {
        if (!json.TryGetProperty("channels", out var list) || list.ValueKind == JsonValueKind.Null) return [];
        if (list.ValueKind != JsonValueKind.Array)
        {
            problems["channels"] = ["channels must be a list of chat channels, like [\"slack:C0123ABCD\", \"playground:#hr\"]."];
            return [];
        }
        var channels = new List<string>();
        var i = 0;
        foreach (var item in list.EnumerateArray())
        {
            var path = $"channels/{i++}";
            if (item.ValueKind != JsonValueKind.String)
            {
                problems[path] = ["Each channel must be a string, like slack:C0123ABCD."];
                continue;
            }
            if (!ChannelAddress.TryParse(ChannelBinding.Normalize(item.GetString()!), out var address, out var error))
            {
                problems[path] = [$"{error} A Playground channel may be written playground:#name."];
            }
            else if (channels.Contains(address.ToString())) problems[path] = [$"'{address}' is listed twice."];
            else channels.Add(address.ToString());
        }
        return channels;
    }

    private static string? Text(JsonElement json, string field, Dictionary<string, string[]> problems)
    {
        if (!json.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind == JsonValueKind.String) return value.GetString();
        problems[field] = [$"{field} must be a string."];
        return null;
    }

    private static async Task<(JsonElement Json, ProblemHttpResult? Problem)> ReadAsync(HttpRequest request, string example, CancellationToken ct)
    {
        var body = await RequestBody.ReadAsync(request, MaxSettingsBytes, ct);
        if (body is null) return (default, RequestBody.TooLarge(MaxSettingsBytes, "Workspace settings"));
        if (!RequestBody.TryParseJson(body, out var json, out var error)) return (default, Unreadable(error!));
        if (json.ValueKind != JsonValueKind.Object) return (default, Unreadable($"The body must be a JSON object, like {example}."));
        return (json, null);
    }

    // What changed, for the audit log: the fields by name, never their whole contents.
    private static string Describe(Workspace before, Workspace after)
    {
        var changed = new List<string>();
        if (before.Name != after.Name) changed.Add($"name: {after.Name}");
        foreach (var (field, old, now) in new[]
        {
            ("nodeKinds", before.Policy.NodeKinds, after.Policy.NodeKinds), ("tools", before.Policy.Tools, after.Policy.Tools),
            ("httpHosts", before.Policy.HttpHosts, after.Policy.HttpHosts), ("connections", before.Policy.Connections, after.Policy.Connections),
            ("mcpServers", before.Policy.McpServers, after.Policy.McpServers), ("workflows", before.Policy.Workflows, after.Policy.Workflows),
            ("channels", before.Channels, after.Channels),
        })
        {
            if (!Same(old, now)) changed.Add($"{field}: {(now is null ? "everything" : now.Count == 0 ? "none" : string.Join(", ", now))}");
        }
        return changed.Count == 0 ? "nothing changed" : string.Join("; ", changed);

        static bool Same(IReadOnlyList<string>? a, IReadOnlyList<string>? b) => a is null ? b is null : b is not null && a.SequenceEqual(b);
    }

    private static ProblemHttpResult Unreadable(string detail) =>
        TypedResults.Problem(title: "The workspace settings could not be read.", detail: detail, statusCode: StatusCodes.Status400BadRequest);

    private static ProblemHttpResult NoSuchWorkspace(string id) =>
        TypedResults.Problem(title: "No such workspace.", detail: $"There is no workspace '{id}'.", statusCode: StatusCodes.Status404NotFound);

    [GeneratedRegex(@"^(\*\.)?([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)*[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\z")]
    private static partial Regex HostPattern();
}

/// <summary>The answer to <c>GET /api/workspaces</c>: the workspaces by id, and the one the request addressed.</summary>
internal sealed record WorkspaceList(IReadOnlyList<WorkspaceSummary> Items, string Current);

/// <summary>A workspace in a list: its id, name, API prefix (<c>/api/w/hr</c>) and dashboard (<c>/w/hr/</c>).</summary>
internal sealed record WorkspaceSummary(string Id, string Name, string Api, string Page);
