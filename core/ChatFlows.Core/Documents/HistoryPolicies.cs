namespace ChatFlows.Core.Documents;

/// <summary>
/// Values of a workflow's <c>history</c> (docs/semantics.md §History policies): which ended runs are kept. A run
/// that waits is always kept until it ends.
/// </summary>
public static class HistoryPolicies
{
    /// <summary>Every run is kept, until run retention prunes it (the default; not written in the document).</summary>
    public const string All = "all";

    /// <summary>Failed, cancelled and expired runs are kept; a run that succeeded is forgotten when it ends.</summary>
    public const string Errors = "errors";

    /// <summary>No run is kept once it ends, whatever its status.</summary>
    public const string None = "none";

    /// <summary>Every policy, the default first.</summary>
    public static IReadOnlyList<string> Values { get; } = [All, Errors, None];
}
