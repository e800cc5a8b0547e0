namespace ChatFlows.Bot.Slack;

/// <summary>A message Slack stored: the channel it is in and its <c>ts</c>, which names it for updates and threads.</summary>
/// <param name="Channel">The channel id Slack answered with (a direct message to <c>U…</c> lands in a <c>D…</c> channel).</param>
/// <param name="Ts">The message's timestamp id, e.g. <c>1700000000.000100</c>.</param>
public sealed record SlackPostedMessage(string Channel, string Ts);
