using System.Globalization;
using System.Text.RegularExpressions;
using ChatFlows.Core.Audit;
using ChatFlows.Core.Workspaces;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using ValidationProblem = Microsoft.AspNetCore.Http.HttpResults.ValidationProblem;

namespace ChatFlows.Canvas.Api;

/// <summary>
/// <c>/api/audit</c> (README §Audit log): the audit log of the addressed workspace, newest first, for its admins —
/// filtered by actor, action (exact, or every action under a prefix ending in a dot: <c>workflow.</c>), target and
/// time, a page at a time; <c>/api/audit.csv</c> (or <c>?format=csv</c>) streams every matching entry as CSV.
/// </summary>
public static partial class AuditApi
{
    private const int MaxFilterLength = 200;

    /// <summary>Maps the page and the CSV export.</summary>
    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/audit", ListAsync).RequireRole(Role.Admin);
        app.MapGet("/api/audit.csv", Csv).RequireRole(Role.Admin);
        return app;
    }

    private static async Task<Results<Ok<AuditList>, PushStreamHttpResult, ValidationProblem>> ListAsync(HttpContext http, IAuditLog log, TimeProvider time, CancellationToken ct)
    {
        if (!TryRead(http, out var query, out var invalid)) return invalid;
        if (http.Request.Query["format"].ToString() is { Length: > 0 } format)
        {
            if (format != "csv") return Invalid("format", $"'{format}' is not a format; use csv, or leave format out for JSON.");
            return Export(http, log, query, time);
        }
        var page = await log.ListAsync(query, ct);
        return TypedResults.Ok(new AuditList(page.Items, page.Next));
    }

    private static Results<PushStreamHttpResult, ValidationProblem> Csv(HttpContext http, IAuditLog log, TimeProvider time) =>
        TryRead(http, out var query, out var invalid) ? Export(http, log, query, time) : invalid;

    private static PushStreamHttpResult Export(HttpContext http, IAuditLog log, AuditQuery query, TimeProvider time)
    {
        var name = $"audit-{query.Workspace}-{time.GetUtcNow():yyyyMMdd-HHmmss}.csv";
        return TypedResults.Stream(output => AuditCsv.WriteAsync(log, query, output, http.RequestAborted), "text/csv; charset=utf-8", name);
    }

    // Every filter is checked before anything is read; a bad one is a 400 naming its field.
    private static bool TryRead(HttpContext http, out AuditQuery query, out ValidationProblem invalid)
    {
        var q = http.Request.Query;
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        string? Text(string field)
        {
            var value = q[field].ToString().Trim();
            if (value.Length == 0) return null;
            if (value.Length > MaxFilterLength) errors[field] = [$"{field} may be at most {MaxFilterLength} characters."];
            return value;
        }
        DateTimeOffset? Time(string field)
        {
            var value = q[field].ToString().Trim();
            if (value.Length == 0) return null;
            if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)) return at;
            errors[field] = [$"'{value}' is not a time; use ISO 8601, like 2026-12-01 or 2026-12-01T09:30:00Z."];
            return null;
        }

        var actor = Text("actor");
        var target = Text("target");
        var action = Text("action");
        if (action is not null && !errors.ContainsKey("action") && !ActionPattern().IsMatch(action))
        {
            errors["action"] = [$"'{action}' is not an action; use one like run.started, or a prefix ending in a dot like workflow."];
        }
        var from = Time("from");
        var to = Time("to");
        if (from is not null && to is not null && to <= from) errors["to"] = ["to must be after from."];
        var limit = 50;
        var limitText = q["limit"].ToString();
        if (limitText.Length > 0 && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > AuditQuery.MaxLimit))
        {
            errors["limit"] = [$"'{limitText}' is not a page size; use a whole number from 1 to {AuditQuery.MaxLimit}."];
        }
        long? before = null;
        var beforeText = q["before"].ToString();
        if (beforeText.Length > 0)
        {
            if (long.TryParse(beforeText, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0) before = id;
            else errors["before"] = [$"'{beforeText}' is not a cursor; use the next of the previous page."];
        }

        query = new AuditQuery(WorkspaceRoute.Of(http), actor, action, target, from, to, before, limit);
        invalid = errors.Count > 0 ? TypedResults.ValidationProblem(errors, title: "The audit query is not valid.") : null!;
        return errors.Count == 0;
    }

    private static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: "The audit query is not valid.");

    [GeneratedRegex("^[a-z]+(\\.[a-z]+)*\\.?$")]
    private static partial Regex ActionPattern();
}
