using ChatFlows.Core.Documents;

namespace ChatFlows.Bot.Cli;

/// <summary>Finds and reads workflow files for the CLI.</summary>
internal static class WorkflowFiles
{
    private static readonly string[] SearchFolders = ["samples", "workflows"];

    /// <summary>A path as given, or the file of a workflow id in the search folders.</summary>
    public static string Resolve(string fileOrId)
    {
        if (File.Exists(fileOrId)) return fileOrId;
        // A path is not an id: searching samples/<path>.json only produced "looked for x.json.json" noise.
        if (Path.GetFileName(fileOrId) != fileOrId || fileOrId.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            throw new FileNotFoundException($"no workflow file '{fileOrId}'.");
        }
        foreach (var folder in SearchFolders)
        {
            var candidate = Path.Combine(folder, fileOrId + ".json");
            if (File.Exists(candidate)) return candidate;
        }
        var looked = string.Join(", ", SearchFolders.Select(f => Path.Combine(f, fileOrId + ".json")).Prepend(fileOrId));
        throw new FileNotFoundException($"no workflow file or id '{fileOrId}' (looked for {looked}).");
    }

    /// <summary>Reads a document; file and format errors become one-line messages.</summary>
    public static WorkflowDocument Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new WorkflowFormatException($"cannot read the file: {ex.Message}");
        }
        return WorkflowJson.Parse(text);
    }

    /// <summary>The workflow with id <paramref name="id"/>: <c>&lt;folder&gt;/&lt;id&gt;.json</c>, else in the search folders; null when none.</summary>
    public static WorkflowDocument? FindById(string id, string folder)
    {
        if (Path.GetFileName(id) != id) return null;
        var candidates = SearchFolders.Select(f => Path.Combine(f, id + ".json")).Prepend(Path.Combine(folder, id + ".json"));
        return candidates.FirstOrDefault(File.Exists) is { } path ? Read(path) : null;
    }
}
