using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Scheduling;

namespace ChatFlows.Canvas.Api;

/// <summary>
/// One trigger of a listed workflow: its node id and kind (manual, command, webhook, schedule, message), the command
/// that starts it, and for a schedule its cron, time zone and next fire time (null when it never fires or cannot be read).
/// </summary>
internal sealed record TriggerSummary(
    string Id,
    string? Kind,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Command = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Cron = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? TimeZone = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? NextFireAt = null)
{
    public static TriggerSummary From(WorkflowNode node, DateTimeOffset now)
    {
        var command = Text(node.Config, "command");
        var cron = Text(node.Config, "cron");
        var zone = Text(node.Config, "timeZone");
        DateTimeOffset? next = null;
        if (node.Kind == "schedule" && cron is not null && CronSchedule.TryParse(cron, zone, out var schedule, out _)) next = schedule.Next(now);
        return new(node.Id, node.Kind, command, cron, zone, next);
    }

    private static string? Text(JsonObject config, string field) =>
        config.TryGetPropertyValue(field, out var value) && value is JsonValue v && v.TryGetValue<string>(out var text) && !string.IsNullOrWhiteSpace(text)
            ? text
            : null;
}
