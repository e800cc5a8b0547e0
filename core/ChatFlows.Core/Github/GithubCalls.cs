using System.Text.Json;
using ChatFlows.Core.Nodes;

namespace ChatFlows.Core.Github;

/// <summary>What the node and the agent tools both do to a rendered <see cref="GithubRequest"/> before it is sent.</summary>
public static class GithubCalls
{
    /// <summary>
    /// Checks the values an action needs once they are rendered: a title that is not empty, a body for a comment,
    /// labels to add, a known state. <paramref name="where"/> prefixes the field names (a node's config path).
    /// </summary>
    /// <exception cref="NodeException">A needed value rendered empty or is not allowed.</exception>
    public static void Check(GithubRequest request, string where = "")
    {
        if (request.Action == GithubActions.CreateIssue && string.IsNullOrWhiteSpace(request.Title))
        {
            throw new NodeException($"{where}title rendered empty; GitHub {request.Action} needs a title.");
        }
        if (request.Action == GithubActions.Comment && string.IsNullOrWhiteSpace(request.Body))
        {
            throw new NodeException($"{where}body rendered empty; GitHub {request.Action} needs text to post.");
        }
        if (request.Action == GithubActions.AddLabels && request.Labels.Count == 0)
        {
            throw new NodeException($"{where}labels rendered to no label; GitHub {request.Action} needs at least one.");
        }
        if (GithubActions.Required(request.Action).Contains("number") && request.Number is null)
        {
            throw new NodeException($"{where}number is missing; GitHub {request.Action} needs the issue or pull request number.");
        }
        if (request.State is { Length: > 0 } state && !GithubActions.States.Contains(state))
        {
            throw new NodeException($"{where}state is '{state}'; list issues that are open, closed or all.");
        }
    }

    /// <summary>
    /// Labels or logins from what a list field evaluated to: an array (whose items may be arrays again) or text,
    /// which is split at commas, so an agent's answer "bug, ui" gives two labels. Blanks and repeats are dropped.
    /// </summary>
    /// <exception cref="NodeException">An item is not text.</exception>
    public static IReadOnlyList<string> ListOf(JsonElement value, string label)
    {
        var items = new List<string>();
        Add(value);
        return items.Distinct(StringComparer.Ordinal).ToArray();

        void Add(JsonElement element)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Null or JsonValueKind.Undefined:
                    return;
                case JsonValueKind.Array:
                    foreach (var item in element.EnumerateArray()) Add(item);
                    return;
                case JsonValueKind.String:
                    items.AddRange(element.GetString()!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                    return;
                default:
                    throw new NodeException($"{label} gave {element.ValueKind.ToString().ToLowerInvariant()} {element.GetRawText()}; each item must be text.");
            }
        }
    }
}
