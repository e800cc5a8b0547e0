using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using ValidationProblem = Microsoft.AspNetCore.Http.HttpResults.ValidationProblem;

namespace ChatFlows.Canvas.Api;

/// <summary>The 400 answer for a document with problems: every problem keyed by its path, so an editor can mark each field.</summary>
internal static class ValidationProblems
{
    /// <summary>Null when there are no problems.</summary>
    public static ValidationProblem? From(IReadOnlyList<Core.Documents.ValidationProblem> problems, string title)
    {
        if (problems.Count == 0) return null;
        var errors = problems
            .GroupBy(p => p.Path, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(p => p.Message).ToArray(), StringComparer.Ordinal);
        var detail = problems.Count == 1 ? "Fix the problem below and save again." : $"Fix the {problems.Count} problems below and save again.";
        return TypedResults.ValidationProblem(errors, detail: detail, title: title);
    }
}
