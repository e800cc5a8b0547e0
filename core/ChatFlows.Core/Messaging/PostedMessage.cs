namespace ChatFlows.Core.Messaging;

/// <summary>A message as the chat platform stored it: where, and the id the platform gave it (to update or thread on).</summary>
public sealed record PostedMessage(string Target, string MessageId);
