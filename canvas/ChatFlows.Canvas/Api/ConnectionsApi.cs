using System.Globalization;
using System.Text.Json;
using ChatFlows.Core.Audit;
using ChatFlows.Core.Connections;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Workspaces;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using ValidationProblem = Microsoft.AspNetCore.Http.HttpResults.ValidationProblem;

namespace ChatFlows.Canvas.Api;

/// <summary>
/// <c>/api/connections</c> (README §Connections): the named credentials nodes refer to. Credentials are write-only,
/// like secrets: listings show every other setting, and only the names of the credentials that are set. A saved
/// connection applies at once and wins over a configured one of the same name. Each workspace has its own connections
/// (<c>/api/w/{workspace}/connections</c>, README §Workspaces and roles); configured ones belong to the default workspace.
/// </summary>
public static class ConnectionsApi
{
    /// <summary>Largest connection accepted, in bytes.</summary>
    public const int MaxConnectionBytes = 64 * 1024;

    /// <summary>Maps list, save and delete.</summary>
    public static RouteGroupBuilder MapConnectionsApi(this IEndpointRouteBuilder app)
    {
        var connections = app.MapGroup("/api/connections");
        connections.MapGet("/", List).RequireRole(Role.Viewer);
        connections.MapPut("/{name}", SetAsync).RequireRole(Role.Admin);
        connections.MapDelete("/{name}", DeleteAsync).RequireRole(Role.Admin);
        return connections;
    }

    private static Ok<ConnectionList> List(HttpContext http, ConnectionRegistry registry) =>
        TypedResults.Ok(new ConnectionList(registry.List(WorkspaceRoute.Of(http)).Select(Summarize).ToArray()));

    internal static ConnectionSummary Summarize(Connection connection) => new(
        connection.Name,
        connection.Type,
        connection.Workflows,
        connection.Source,
        connection.Settings.Where(p => !ConnectionTypes.IsCredential(connection.Type, p.Key)).ToDictionary(p => p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase),
        connection.Settings.Where(p => p.Value.Length > 0 && ConnectionTypes.IsCredential(connection.Type, p.Key)).Select(p => p.Key).Order(StringComparer.Ordinal).ToArray());

    private static async Task<Results<Created, NoContent, ProblemHttpResult, ValidationProblem>> SetAsync(
        string name, HttpRequest request, ConnectionRegistry registry, IAuditLog audit, CancellationToken ct)
    {
        var workspace = WorkspaceRoute.Of(request.HttpContext);
        if (!ConnectionRegistry.IsValidName(name)) return BadName(name);
        var body = await RequestBody.ReadAsync(request, MaxConnectionBytes, ct);
        if (body is null) return RequestBody.TooLarge(MaxConnectionBytes, "A connection");
        if (!RequestBody.TryParseJson(body, out var json, out var error))
        {
            return TypedResults.Problem(title: "The connection could not be read.", detail: error, statusCode: StatusCodes.Status400BadRequest);
        }
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Problem(string field, string message)
        {
            if (!errors.TryGetValue(field, out var list)) errors[field] = list = [];
            list.Add(message);
        }
        if (json.ValueKind != JsonValueKind.Object)
        {
            Problem("", "Send the connection as {\"type\": \"http\", \"workflows\": [\"*\"], \"settings\": {…}}.");
            return Invalid(errors);
        }

        var type = json.TryGetProperty("type", out var typeValue) && typeValue.ValueKind == JsonValueKind.String ? typeValue.GetString() : null;
        if (!ConnectionTypes.IsKnown(type)) Problem("type", $"type must be one of {string.Join(", ", ConnectionTypes.All)}{(type is null ? "" : $", not '{type}'")}.");
        var workflows = ReadWorkflows(json, Problem);
        var settings = ConnectionTypes.IsKnown(type) ? ReadSettings(json, type!, Problem) : [];
        if (errors.Count > 0) return Invalid(errors);

        // A credential left out keeps its stored value, so the dashboard never needs to show it; "" clears it.
        if (registry.Find(workspace, name) is { Source: ConnectionRegistry.StoredSource } stored && stored.Type == type)
        {
            foreach (var (key, value) in stored.Settings)
            {
                if (ConnectionTypes.IsCredential(type!, key) && !settings.ContainsKey(key)) settings[key] = value;
            }
        }
        var kept = settings.Where(p => p.Value.Length > 0).ToDictionary(p => p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase);
        var created = await registry.SetAsync(new Connection(name, type!, workflows, kept, ConnectionRegistry.StoredSource) { Workspace = workspace }, ct);
        // Which settings changed, never their values: a credential may be among them.
        await audit.RecordAsync(request.HttpContext, AuditActions.ConnectionSaved, name,
            $"{(created ? "created" : "changed")} {type} connection for {string.Join(", ", workflows)}; settings: {string.Join(", ", kept.Keys.Order(StringComparer.Ordinal))}");
        return created ? TypedResults.Created($"{WorkspaceRoute.ApiPrefix(workspace)}/connections/{name}") : TypedResults.NoContent();
    }

    private static async Task<Results<NoContent, ProblemHttpResult, ValidationProblem>> DeleteAsync(
        string name, HttpContext http, ConnectionRegistry registry, IAuditLog audit, CancellationToken ct)
    {
        var workspace = WorkspaceRoute.Of(http);
        if (!ConnectionRegistry.IsValidName(name)) return BadName(name);
        if (await registry.DeleteAsync(workspace, name, ct))
        {
            await audit.RecordAsync(http, AuditActions.ConnectionDeleted, name);
            return TypedResults.NoContent();
        }
        var detail = registry.Find(workspace, name) is { Source: ConnectionRegistry.ConfiguredSource }
            ? $"Connection '{name}' comes from configuration (ChatFlows:Connections:{name}); it can only be removed there."
            : $"No connection '{name}' is stored.";
        return TypedResults.Problem(title: "No such stored connection.", detail: detail, statusCode: StatusCodes.Status404NotFound);
    }

    private static string[] ReadWorkflows(JsonElement json, Action<string, string> problem)
    {
        if (!json.TryGetProperty("workflows", out var value) || value.ValueKind == JsonValueKind.Null) return [];
        if (value.ValueKind != JsonValueKind.Array)
        {
            problem("workflows", "workflows must be a list of workflow ids, or [\"*\"] for every workflow.");
            return [];
        }
        var workflows = new List<string>();
        foreach (var item in value.EnumerateArray())
        {
            var id = item.ValueKind == JsonValueKind.String ? item.GetString()!.Trim() : null;
            if (id == Connection.AnyWorkflow || WorkflowValidator.IsValidWorkflowId(id))
            {
                if (!workflows.Contains(id!, StringComparer.Ordinal)) workflows.Add(id!);
            }
            else
            {
                problem("workflows", $"{(id is null ? item.GetRawText() : $"'{id}'")} is not a workflow id or *; list workflow ids like daily-digest, or * for every workflow.");
            }
        }
        return [.. workflows];
    }

    // Settings by their canonical key; an http connection's headers as Headers:NAME, given as an object or flat.
    private static Dictionary<string, string> ReadSettings(JsonElement json, string type, Action<string, string> problem)
    {
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (!json.TryGetProperty("settings", out var value) || value.ValueKind == JsonValueKind.Null) return settings;
        if (value.ValueKind != JsonValueKind.Object)
        {
            problem("settings", "settings must be an object of names and values.");
            return settings;
        }
        var known = string.Join(", ", ConnectionTypes.Settings[type]);
        foreach (var property in value.EnumerateObject())
        {
            if (ConnectionTypes.IsGroupKey(type, property.Name))
            {
                var group = ConnectionTypes.Canonical(type, property.Name);
                if (property.Value.ValueKind == JsonValueKind.Null) continue;
                if (property.Value.ValueKind != JsonValueKind.Object)
                {
                    problem($"settings.{group}", $"{group} must be an object of names and values, like {{\"Authorization\": \"Bearer …\"}}.");
                    continue;
                }
                foreach (var child in property.Value.EnumerateObject()) Add($"{group}:{child.Name}", child.Value, $"settings.{group}");
                continue;
            }
            if (!ConnectionTypes.IsSetting(type, property.Name))
            {
                problem($"settings.{property.Name}", $"{property.Name} is not a setting of a {type} connection; its settings are {known}.");
                continue;
            }
            var key = ConnectionTypes.Canonical(type, property.Name);
            Add(key, property.Value, key.Contains(':') ? $"settings.{key.Split(':')[0]}" : $"settings.{key}");
        }
        return settings;

        void Add(string key, JsonElement item, string field)
        {
            var text = item.ValueKind switch
            {
                JsonValueKind.String => item.GetString()!,
                JsonValueKind.Null => "",
                JsonValueKind.Number => item.GetRawText(),
                JsonValueKind.True or JsonValueKind.False => item.GetBoolean().ToString(CultureInfo.InvariantCulture).ToLowerInvariant(),
                _ => null,
            };
            if (text is null)
            {
                problem(field, $"{key} must be text.");
                return;
            }
            if (ConnectionTypes.ValueProblem(type, key, text) is { } message)
            {
                problem(field, message);
                return;
            }
            settings[key] = text;
        }
    }

    private static ValidationProblem Invalid(Dictionary<string, List<string>> errors) => TypedResults.ValidationProblem(
        errors.ToDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal),
        detail: errors.Count == 1 ? "Fix the problem below and save again." : $"Fix the {errors.Count} problems below and save again.",
        title: "The connection is not valid.");

    private static ValidationProblem BadName(string name) => TypedResults.ValidationProblem(
        new Dictionary<string, string[]> { ["name"] = [$"'{name}' is not a connection name; {ConnectionRegistry.NameRule}."] },
        title: "The connection name is not valid.");
}
