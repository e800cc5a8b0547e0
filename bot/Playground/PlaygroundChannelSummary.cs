namespace ChatFlows.Bot.Playground;

/// <summary>A Playground channel in the channel list.</summary>
public sealed record PlaygroundChannelSummary(string Name, DateTimeOffset CreatedAt);
