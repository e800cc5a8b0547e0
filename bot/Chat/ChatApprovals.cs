namespace ChatFlows.Bot.Chat;

/// <summary>The approval flow of every chat platform: a click decides through the engine's one rule, then the card shows the outcome.</summary>
public sealed class ChatApprovals
{
    /// <summary>Decides approval <paramref name="nodeId"/> of run <paramref name="runId"/> as <paramref name="decider"/>.</summary>
    public Task<ChatDecision> DecideAsync(
        string decider, string runId, string nodeId, bool approve, string? comment, string? draft, CancellationToken ct) =>
        throw new NotImplementedException();
}
