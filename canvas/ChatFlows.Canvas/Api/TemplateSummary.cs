namespace ChatFlows.Canvas.Api;

/// <summary>One template in <c>GET /api/templates</c>: what it is, what it needs, how big it is and the node kinds it uses.</summary>
internal sealed record TemplateSummary(
    string Id, string Name, string Description, string Category, IReadOnlyList<TemplateSettingView> Settings, int NodeCount, IReadOnlyList<string> Kinds);
