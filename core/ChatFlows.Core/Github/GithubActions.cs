namespace ChatFlows.Core.Github;

/// <summary>The actions of <c>tool/github</c> (README §GitHub), the fields each one needs, and which ones change GitHub.</summary>
public static class GithubActions
{
    public const string CreateIssue = "create-issue";
    public const string Comment = "comment";
    public const string CloseIssue = "close-issue";
    public const string AddLabels = "add-labels";
    public const string GetIssue = "get-issue";
    public const string GetPullRequest = "get-pull-request";
    public const string ListIssues = "list-issues";

    /// <summary>Every action, in the order the editor lists them.</summary>
    public static IReadOnlyList<string> All { get; } = [CreateIssue, Comment, CloseIssue, AddLabels, GetIssue, GetPullRequest, ListIssues];

    /// <summary>The fields an action needs besides <c>connection</c> and <c>repository</c>.</summary>
    public static IReadOnlyList<string> Required(string action) => action switch
    {
        CreateIssue => ["title"],
        Comment => ["number", "body"],
        CloseIssue or GetIssue or GetPullRequest => ["number"],
        AddLabels => ["number", "labels"],
        _ => [],
    };

    /// <summary>True for an action that changes GitHub, whose result is recorded so a re-executed node does not repeat it.</summary>
    public static bool Changes(string action) => action is CreateIssue or Comment or CloseIssue or AddLabels;

    /// <summary>The states list-issues filters on.</summary>
    public static IReadOnlyList<string> States { get; } = ["open", "closed", "all"];
}
