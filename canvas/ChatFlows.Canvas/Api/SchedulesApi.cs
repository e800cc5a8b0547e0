using ChatFlows.Core.Scheduling;
using ChatFlows.Core.Workspaces;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using ValidationProblem = Microsoft.AspNetCore.Http.HttpResults.ValidationProblem;

namespace ChatFlows.Canvas.Api;

/// <summary>
/// <c>GET /api/schedules/preview?cron=&amp;timeZone=</c>: the next fire times of a schedule trigger, so the editor can show
/// what a cron expression means while it is typed. The expression is read exactly as the scheduler reads it.
/// </summary>
public static class SchedulesApi
{
    /// <summary>How many fire times a preview shows.</summary>
    public const int PreviewCount = 3;

    /// <summary>Maps the preview.</summary>
    public static RouteGroupBuilder MapSchedulesApi(this IEndpointRouteBuilder app)
    {
        var schedules = app.MapGroup("/api/schedules");
        schedules.MapGet("/preview", Preview).RequireRole(Role.Viewer);
        return schedules;
    }

    private static Results<Ok<SchedulePreview>, ValidationProblem> Preview(string? cron, string? timeZone, TimeProvider time)
    {
        if (string.IsNullOrWhiteSpace(cron))
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["cron"] = ["Give a cron expression, like 0 9 * * MON-FRI."] },
                title: "The schedule is not valid.");
        }
        if (!CronSchedule.TryParse(cron, timeZone, out var schedule, out var error))
        {
            // TryParse checks the expression before the zone, so a message about the zone means the expression is fine.
            var field = CronSchedule.TryParse(cron, null, out _, out _) ? "timeZone" : "cron";
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [error] }, title: "The schedule is not valid.");
        }
        return TypedResults.Ok(new SchedulePreview(schedule.Cron, schedule.TimeZone.Id, schedule.Next(time.GetUtcNow(), PreviewCount)));
    }
}
