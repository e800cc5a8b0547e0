namespace ChatFlows.Core.Running;

/// <summary>Model tokens a node used and, where its model profile gives prices, what they cost.</summary>
public sealed record TokenUsage(long PromptTokens, long CompletionTokens, decimal? Cost = null)
{
    /// <summary>Prompt and completion tokens together.</summary>
    public long TotalTokens => PromptTokens + CompletionTokens;

    /// <summary>The sum of two usages; the cost is known only when both are.</summary>
    public TokenUsage Add(TokenUsage other) =>
        new(PromptTokens + other.PromptTokens, CompletionTokens + other.CompletionTokens, Cost is { } a && other.Cost is { } b ? a + b : Cost ?? other.Cost);

    /// <summary>The sum over several nodes; null when none used a model.</summary>
    public static TokenUsage? Sum(IEnumerable<TokenUsage?> usages)
    {
        TokenUsage? total = null;
        foreach (var usage in usages)
        {
            if (usage is null) continue;
            total = total is null ? usage : total.Add(usage);
        }
        return total;
    }
}
