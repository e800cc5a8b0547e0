namespace ChatFlows.Core.Http;

/// <summary>What <see cref="GuardedHttpClient.GetTextAsync"/> read: the status and the start of the body as text.</summary>
/// <param name="Status">The HTTP status code of the final answer.</param>
/// <param name="Text">The body as text, at most the characters asked for.</param>
/// <param name="Truncated">True when the body was longer than what <paramref name="Text"/> holds.</param>
/// <param name="MediaType">The media type of the body, e.g. <c>text/html</c>, if the server said.</param>
public sealed record HttpTextResponse(int Status, string Text, bool Truncated, string? MediaType);
