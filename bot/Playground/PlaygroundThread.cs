namespace ChatFlows.Bot.Playground;

/// <summary>A thread: the message it started from and its replies, oldest first.</summary>
public sealed record PlaygroundThread(PlaygroundMessage Root, IReadOnlyList<PlaygroundMessage> Replies);
