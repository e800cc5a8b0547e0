using System.Text.RegularExpressions;

namespace ChatFlows.Core.Github;

/// <summary>
/// One call to GitHub's REST API (README §GitHub), already rendered: what the <c>tool/github</c> node and the
/// <c>github_*</c> agent tools both send through <see cref="GithubApi"/>.
/// </summary>
public sealed partial record GithubRequest(string Action, string Repository)
{
    /// <summary>The issue or pull request number (comment, close-issue, add-labels, get-issue, get-pull-request).</summary>
    public long? Number { get; init; }

    /// <summary>The title of a new issue.</summary>
    public string? Title { get; init; }

    /// <summary>The body of a new issue or comment.</summary>
    public string? Body { get; init; }

    /// <summary>Labels to set on a new issue, to add, or to filter a list by.</summary>
    public IReadOnlyList<string> Labels { get; init; } = [];

    /// <summary>Logins to assign to a new issue.</summary>
    public IReadOnlyList<string> Assignees { get; init; } = [];

    /// <summary>open, closed or all, for list-issues; open when not given.</summary>
    public string? State { get; init; }

    /// <summary>The owner part of <see cref="Repository"/>.</summary>
    public string Owner => Repository.Split('/')[0];

    /// <summary>The name part of <see cref="Repository"/>.</summary>
    public string Name => Repository.Split('/')[1];

    /// <summary>What <see cref="Repository"/> must look like, for messages.</summary>
    public const string RepositoryRule = "write it as owner/name, like octo-org/website";

    /// <summary>True when <paramref name="text"/> is <c>owner/name</c> as GitHub allows them.</summary>
    public static bool IsRepository(string? text) => text is not null && RepositoryPattern().IsMatch(text);

    // Owners: letters, digits and single dashes; names: letters, digits, '.', '-' and '_' (not "." or "..").
    [GeneratedRegex("^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/(?!\\.{1,2}\\z)[A-Za-z0-9._-]{1,100}\\z")]
    private static partial Regex RepositoryPattern();
}
