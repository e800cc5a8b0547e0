using System.Text.Json.Nodes;
using ChatFlows.Core.Documents;

namespace ChatFlows.Canvas.Api;

/// <summary><c>GET /api/templates/{id}</c>: the summary's fields plus the workflow document and the agents it brings.</summary>
internal sealed record TemplateDetail(
    string Id, string Name, string Description, string Category, IReadOnlyList<TemplateSettingView> Settings, int NodeCount, IReadOnlyList<string> Kinds,
    WorkflowDocument Workflow, JsonArray Agents);
