namespace ChatFlows.Bot.Teams;

/// <summary>Whether a request to <c>/api/messages</c> may be acted on; when not, the status to answer and why.</summary>
/// <param name="Status">200 when it may; 401, 403 or 503 when not.</param>
/// <param name="Failure">What failed, in a sentence; null when it may.</param>
public sealed record TeamsAuthResult(int Status, string? Failure)
{
    public static TeamsAuthResult Accepted { get; } = new(StatusCodes.Status200OK, null);

    public bool IsAccepted => Failure is null;

    public static TeamsAuthResult Unauthorized(string failure) => new(StatusCodes.Status401Unauthorized, failure);
}
