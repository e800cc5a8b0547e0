using System.Text.Json;
using System.Text.Json.Nodes;
using ChatFlows.Core.Documents;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatFlows.Canvas.Templates;

/// <summary>
/// The templates of <see cref="TemplateOptions.ResolvedFolder"/>, read once, by name. A file that cannot be read is
/// left out with a warning naming the file and the field, so one broken template never hides the others.
/// </summary>
public sealed partial class TemplateLibrary(IOptions<TemplateOptions> options, ILogger<TemplateLibrary> logger)
{
    private readonly Lazy<IReadOnlyList<WorkflowTemplate>> _all = new(() => Load(options.Value.ResolvedFolder, logger));

    /// <summary>Every template, by name.</summary>
    public IReadOnlyList<WorkflowTemplate> All => _all.Value;

    /// <summary>The template with this id, or null.</summary>
    public WorkflowTemplate? Find(string id) => All.FirstOrDefault(t => t.Id == id);

    /// <summary>Reads one template file; throws <see cref="WorkflowFormatException"/> naming the field that is wrong.</summary>
    public static WorkflowTemplate Read(string json)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip }) as JsonObject
                ?? throw new WorkflowFormatException("A template is a JSON object.");
        }
        catch (JsonException ex)
        {
            throw new WorkflowFormatException($"The template is not valid JSON: {ex.Message}");
        }
        var id = Text(root, "id");
        if (root["workflow"] is not JsonObject workflow) throw new WorkflowFormatException("workflow: the template's workflow document (an object) is missing.");
        var document = WorkflowJson.Parse(workflow.ToJsonString());
        if (document.Id != id) throw new WorkflowFormatException($"workflow/id: '{document.Id}' differs from the template's id '{id}'.");
        var settings = new List<TemplateSetting>();
        if (root["settings"] is not JsonArray list) throw new WorkflowFormatException("settings: a list of what a person must provide (may be empty) is missing.");
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] is not JsonObject setting) throw new WorkflowFormatException($"settings/{i}: a setting is an object.");
            var kind = Text(setting, "kind", $"settings/{i}/");
            if (!TemplateSetting.Kinds.Contains(kind)) throw new WorkflowFormatException($"settings/{i}/kind: '{kind}' is not one of {string.Join(", ", TemplateSetting.Kinds)}.");
            settings.Add(new TemplateSetting(kind, Text(setting, "name", $"settings/{i}/"), Text(setting, "description", $"settings/{i}/"), Text(setting, "where", $"settings/{i}/")));
        }
        var agents = root["agents"] switch
        {
            null => [],
            JsonArray array when array.All(a => a is JsonObject agent && agent["id"] is JsonValue) => (JsonArray)array.DeepClone(),
            _ => throw new WorkflowFormatException("agents: a list of agent objects, each with an id."),
        };
        return new WorkflowTemplate(id, Text(root, "name"), Text(root, "description"), Text(root, "category"), settings, document, agents);
    }

    private static string Text(JsonObject json, string name, string path = "") =>
        json[name] is JsonValue value && value.TryGetValue<string>(out var text) && !string.IsNullOrWhiteSpace(text)
            ? text
            : throw new WorkflowFormatException($"{path}{name}: a non-empty string is missing.");

    private static IReadOnlyList<WorkflowTemplate> Load(string folder, ILogger logger)
    {
        if (!Directory.Exists(folder))
        {
            LogNoFolder(logger, folder);
            return [];
        }
        var templates = new List<WorkflowTemplate>();
        foreach (var file in Directory.GetFiles(folder, "*.json"))
        {
            try
            {
                var template = Read(File.ReadAllText(file));
                if (templates.Any(t => t.Id == template.Id)) LogDuplicate(logger, file, template.Id);
                else templates.Add(template);
            }
            catch (Exception e) when (e is WorkflowFormatException or IOException)
            {
                LogUnreadable(logger, file, e.Message);
            }
        }
        return templates.OrderBy(t => t.Name, StringComparer.OrdinalIgnoreCase).ToArray();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No workflow templates: the folder {Folder} does not exist (ChatFlows:Templates:Folder)")]
    private static partial void LogNoFolder(ILogger logger, string folder);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Workflow template {File} left out: {Problem}")]
    private static partial void LogUnreadable(ILogger logger, string file, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Workflow template {File} left out: another template has the id {Id}")]
    private static partial void LogDuplicate(ILogger logger, string file, string id);
}
