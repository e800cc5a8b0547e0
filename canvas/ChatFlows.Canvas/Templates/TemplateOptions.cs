namespace ChatFlows.Canvas.Templates;

/// <summary>The workflow templates offered on "New workflow" (<c>ChatFlows:Templates</c>).</summary>
public sealed class TemplateOptions
{
    public const string SectionName = "ChatFlows:Templates";

    /// <summary>Where the templates are, one <c>*.json</c> file each; empty means the ones shipped beside the executable.</summary>
    public string? Folder { get; set; }

    /// <summary>The folder templates are read from.</summary>
    public string ResolvedFolder => string.IsNullOrWhiteSpace(Folder) ? Path.Combine(AppContext.BaseDirectory, "templates") : Path.GetFullPath(Folder);
}
