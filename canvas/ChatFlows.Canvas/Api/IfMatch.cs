using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChatFlows.Canvas.Api;

/// <summary>Versions as entity tags: <c>ETag: "4"</c> on reads, <c>If-Match</c> on writes (workflows and agents).</summary>
internal static class IfMatch
{
    /// <summary>The ETag of a version.</summary>
    public static string ETag(int version) => $"\"{version}\"";

    /// <summary>Reads If-Match as a version: <c>"4"</c>, <c>4</c> and <c>W/"4"</c> all mean 4; absent is null.</summary>
    public static bool TryRead(HttpRequest request, string what, out int? version, [NotNullWhen(false)] out ProblemHttpResult? problem)
    {
        version = null;
        problem = null;
        var header = request.Headers.IfMatch;
        if (header.Count == 0) return true;
        var text = header.Count == 1 ? header[0]!.Trim() : "";
        if (text.StartsWith("W/", StringComparison.Ordinal)) text = text[2..];
        if (text.Length >= 2 && text[0] == '"' && text[^1] == '"') text = text[1..^1];
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed > 0)
        {
            version = parsed;
            return true;
        }
        problem = TypedResults.Problem(
            title: $"If-Match is not a {what} version.",
            detail: $"If-Match must hold the one version you edited, as the ETag gave it, e.g. If-Match: \"3\"; got '{header}'.",
            statusCode: StatusCodes.Status400BadRequest);
        return false;
    }
}
