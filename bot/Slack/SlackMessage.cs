using System.Text.Json;

namespace ChatFlows.Bot.Slack;

/// <summary>
/// A message as Slack's Web API takes it: Block Kit <paramref name="Blocks"/> to show, and <paramref name="Text"/>, the
/// mrkdwn shown alone when there are no blocks and otherwise used for notifications and screen readers.
/// </summary>
/// <param name="Text">mrkdwn, already escaped.</param>
/// <param name="Blocks">A JSON array of blocks, or null for a text-only message.</param>
public sealed record SlackMessage(string Text, JsonElement? Blocks = null);
