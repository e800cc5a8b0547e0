namespace ChatFlows.Bot.Playground;

/// <summary>The answer to a card button click: whether it changed anything, and a sentence for the person who clicked.</summary>
public sealed record PlaygroundActionResult(bool Accepted, string Message);
