using System.Text.Json.Nodes;
using ChatFlows.Core.Nodes;

namespace ChatFlows.Canvas.Api;

/// <summary>One node kind in <c>GET /api/node-kinds</c>.</summary>
/// <param name="Type">The node type, e.g. <c>tool</c>.</param>
/// <param name="Kind">The kind within the type, e.g. <c>http</c>; null for types that are one kind (agent, condition, approval).</param>
/// <param name="Name"><c>type/kind</c>, or the type.</param>
/// <param name="Label">What the palette calls it.</param>
/// <param name="Description">One line on what it does.</param>
/// <param name="Ports">Named output ports (condition: true, false); empty when the node has only the default port.</param>
/// <param name="SideEffect">What running it does outside the run, or null.</param>
/// <param name="DefaultConfig">The config a new node starts with, the kind field first.</param>
/// <param name="Fields">The fields of its inspector form, in order.</param>
internal sealed record NodeKindSummary(
    string Type,
    string? Kind,
    string Name,
    string Label,
    string Description,
    IReadOnlyList<string> Ports,
    string? SideEffect,
    JsonObject DefaultConfig,
    IReadOnlyList<NodeField> Fields);
