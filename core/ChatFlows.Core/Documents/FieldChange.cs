using System.Text.Json.Nodes;

namespace ChatFlows.Core.Documents;

/// <summary>
/// One value that differs between two versions of a workflow (README §Workflow history).
/// </summary>
/// <param name="Path">
/// Where, below the node, the document or the layout: <c>config/url</c>, <c>retry/maxAttempts</c>, <c>name</c>, a node id
/// in the layout. Keys holding <c>/</c> or <c>~</c> are escaped as in a JSON Pointer (<c>~1</c>, <c>~0</c>).
/// </param>
/// <param name="Kind">Added, removed or changed.</param>
/// <param name="Old">The older value (none when added).</param>
/// <param name="New">The newer value (none when removed).</param>
public sealed record FieldChange(string Path, FieldChangeKind Kind, JsonNode? Old, JsonNode? New);
