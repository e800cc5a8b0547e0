using System.Text.Json.Nodes;

namespace ChatFlows.Core.Documents;

/// <summary>
/// The chat command names of <c>trigger/command</c> nodes. A name starts one workflow only: <c>/run deploy-check</c>
/// must not depend on which of two workflows happens to be listed first, so a name already taken is refused at save.
/// </summary>
public static class CommandNames
{
    /// <summary>The command triggers of <paramref name="document"/> with their names (read leniently).</summary>
    public static IEnumerable<(string NodeId, string Command)> Of(WorkflowDocument document) => document.Nodes
        .Where(n => n.Type == NodeTypes.Trigger && n.Kind == "command")
        .Select(n => (n.Id, n.Config["command"] is JsonValue value && value.TryGetValue<string>(out var name) ? name : ""))
        .Where(c => c.Item2.Length > 0);

    /// <summary>
    /// A problem at <c>nodes/&lt;id&gt;/config/command</c> for each command name of <paramref name="document"/> that
    /// another of <paramref name="stored"/> (or another trigger of the same document) already uses.
    /// </summary>
    public static IReadOnlyList<ValidationProblem> Conflicts(WorkflowDocument document, IEnumerable<WorkflowDocument> stored)
    {
        var taken = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var other in stored.Where(d => d.Id != document.Id))
        {
            foreach (var (_, command) in Of(other)) taken.TryAdd(command, other.Id);
        }
        var problems = new List<ValidationProblem>();
        var own = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (nodeId, command) in Of(document))
        {
            var path = $"nodes/{nodeId}/config/command";
            if (taken.TryGetValue(command, out var workflowId))
            {
                problems.Add(new(path, $"The command '{command}' is already used by workflow '{workflowId}'; pick another name, or change that workflow first."));
            }
            else if (!own.TryAdd(command, nodeId))
            {
                problems.Add(new(path, $"The command '{command}' is already used by trigger '{own[command]}' of this workflow; each command starts one trigger."));
            }
        }
        return problems;
    }
}
