namespace ChatFlows.Canvas.Api;

/// <summary>One trigger of a listed workflow: its node id and kind (manual, command, webhook, schedule, message).</summary>
internal sealed record TriggerSummary(string Id, string? Kind);
