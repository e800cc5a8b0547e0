using System.Text.Json;
using ChatFlows.Core.Audit;
using ChatFlows.Core.Secrets;
using ChatFlows.Core.Workspaces;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using ValidationProblem = Microsoft.AspNetCore.Http.HttpResults.ValidationProblem;

namespace ChatFlows.Canvas.Api;

/// <summary>
/// <c>/api/secrets</c>: named secrets for <c>{{ secrets.NAME }}</c>, write-only (README §Security). A value goes in with PUT and
/// is stored encrypted; listings show names, sources and dates, never values. Each workspace has its own secrets
/// (<c>/api/w/{workspace}/secrets</c>, README §Workspaces and roles).
/// </summary>
public static class SecretsApi
{
    /// <summary>Largest secret accepted, in bytes.</summary>
    public const int MaxSecretBytes = 64 * 1024;

    /// <summary>Maps list, set and delete.</summary>
    public static RouteGroupBuilder MapSecretsApi(this IEndpointRouteBuilder app)
    {
        var secrets = app.MapGroup("/api/secrets");
        secrets.MapGet("/", ListAsync).RequireRole(Role.Viewer);
        secrets.MapPut("/{name}", SetAsync).RequireRole(Role.Admin);
        secrets.MapDelete("/{name}", DeleteAsync).RequireRole(Role.Admin);
        return secrets;
    }

    private static async Task<Ok<SecretList>> ListAsync(HttpContext http, SecretVault vault, CancellationToken ct) =>
        TypedResults.Ok(new SecretList(await vault.ListAsync(WorkspaceRoute.Of(http), ct)));

    private static async Task<Results<Created, NoContent, ProblemHttpResult, ValidationProblem>> SetAsync(
        string name, HttpRequest request, SecretVault vault, IAuditLog audit, CancellationToken ct)
    {
        var workspace = WorkspaceRoute.Of(request.HttpContext);
        if (!SecretVault.IsValidName(name)) return BadName(name);
        var body = await RequestBody.ReadAsync(request, MaxSecretBytes, ct);
        if (body is null) return RequestBody.TooLarge(MaxSecretBytes, "A secret");
        if (!RequestBody.TryParseJson(body, out var json, out var error))
        {
            return TypedResults.Problem(title: "The secret could not be read.", detail: error, statusCode: StatusCodes.Status400BadRequest);
        }
        if (json.ValueKind != JsonValueKind.Object || !json.TryGetProperty("value", out var value) || value.ValueKind != JsonValueKind.String || value.GetString()!.Length == 0)
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["value"] = ["Send the secret as {\"value\": \"…\"}, a non-empty string."] }, title: "The secret is not valid.");
        }
        if (value.GetString()!.Length < SecretRedactor.MinimumLength)
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]>
                {
                    ["value"] = [$"A secret must be at least {SecretRedactor.MinimumLength} characters; a shorter one could not be told apart from the text around it, so runs could not hide it."],
                },
                title: "The secret is not valid.");
        }
        var created = await vault.SetAsync(workspace, name, value.GetString()!, ct);
        // The name only: the value never reaches the log.
        await audit.RecordAsync(request.HttpContext, AuditActions.SecretSet, name, created ? "created" : "replaced");
        return created ? TypedResults.Created($"{WorkspaceRoute.ApiPrefix(workspace)}/secrets/{name}") : TypedResults.NoContent();
    }

    private static async Task<Results<NoContent, ProblemHttpResult, ValidationProblem>> DeleteAsync(
        string name, HttpContext http, SecretVault vault, IAuditLog audit, CancellationToken ct)
    {
        if (!SecretVault.IsValidName(name)) return BadName(name);
        if (await vault.DeleteAsync(WorkspaceRoute.Of(http), name, ct))
        {
            await audit.RecordAsync(http, AuditActions.SecretDeleted, name);
            return TypedResults.NoContent();
        }
        return TypedResults.Problem(title: "No such secret.", detail: $"No secret '{name}' is stored (a secret from configuration can only be removed there).", statusCode: StatusCodes.Status404NotFound);
    }

    private static ValidationProblem BadName(string name) => TypedResults.ValidationProblem(
        new Dictionary<string, string[]> { ["name"] = [$"'{name}' is not a secret name; use letters, digits and underscores, starting with a letter, like API_TOKEN."] },
        title: "The secret name is not valid.");
}
