using System.Text.Json;
using System.Text.Json.Nodes;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Nodes;

namespace ChatFlows.Core.Scheduling;

/// <summary>A <c>trigger/schedule</c> node's config: <c>{cron, timeZone, channel, catchUp?}</c> (docs/semantics.md).</summary>
internal sealed record ScheduleConfig(string TriggerId, CronSchedule Schedule, string? Channel, bool CatchUp)
{
    private const string Kind = "schedule";

    /// <summary>The schedule triggers of a document; those that cannot be read are reported and left out.</summary>
    public static List<ScheduleConfig> Read(WorkflowDocument document, Action<string, string> problem)
    {
        var configs = new List<ScheduleConfig>();
        foreach (var node in document.Nodes)
        {
            if (node.Type != NodeTypes.Trigger || node.Kind != Kind) continue;
            var cron = Text(node.Config, "cron");
            if (cron is null)
            {
                problem(node.Id, "it has no cron expression.");
                continue;
            }
            if (!CronSchedule.TryParse(cron, Text(node.Config, "timeZone"), out var schedule, out var error))
            {
                problem(node.Id, error);
                continue;
            }
            var catchUp = !(node.Config.TryGetPropertyValue("catchUp", out var value) && value?.GetValueKind() == JsonValueKind.False);
            configs.Add(new ScheduleConfig(node.Id, schedule, Text(node.Config, "channel"), catchUp));
        }
        return configs;
    }

    private static string? Text(JsonObject config, string field) =>
        config.TryGetPropertyValue(field, out var value) && value is JsonValue v && v.TryGetValue<string>(out var text) && !string.IsNullOrWhiteSpace(text)
            ? text
            : null;
}
