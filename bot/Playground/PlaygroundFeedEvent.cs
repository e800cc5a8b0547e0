namespace ChatFlows.Bot.Playground;

/// <summary>Something that happened in the Playground: a message was posted or changed.</summary>
/// <param name="Type"><see cref="Created"/> or <see cref="Updated"/>; the <c>event:</c> name on the stream.</param>
/// <param name="Message">The message as it now is.</param>
public sealed record PlaygroundFeedEvent(string Type, PlaygroundMessage Message)
{
    public const string Created = "message.created";

    public const string Updated = "message.updated";
}
