using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChatFlows.Core.Workspaces;

namespace ChatFlows.Core.Documents;

/// <summary>
/// Reads and writes workflow documents. Reading reports the first shape error as one sentence with its path;
/// writing produces the canonical form (fixed property order, two-space indent), so a canonical document
/// round-trips byte for byte.
/// </summary>
public static class WorkflowJson
{
    private static readonly JsonWriterOptions WriteOptions = new() { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly HashSet<string> DocumentFields = ["id", "name", "description", "version", "workspace", "history", "nodes", "edges", "layout", "pinned", "tests"];
    private static readonly HashSet<string> NodeFields = ["id", "name", "type", "config", "output", "retry", "timeout", "onError"];
    private static readonly HashSet<string> EdgeFields = ["from", "port", "to"];
    private static readonly HashSet<string> RetryFields = ["maxAttempts", "initialDelay", "backoffFactor", "maxDelay", "jitter"];

    /// <summary>
    /// Parses a document (comments allowed); throws <see cref="WorkflowFormatException"/> on bad JSON, JSON that
    /// <see cref="StrictJson"/> refuses, or a wrong shape.
    /// </summary>
    public static WorkflowDocument Parse(string json) =>
        StrictJson.TryParse(json, out var root, out var error, allowComments: true) ? Read(root) : throw new WorkflowFormatException(error);

    /// <summary>Parses a document from UTF-8 bytes, as a request body brings it; invalid UTF-8 is an error, not replaced.</summary>
    public static WorkflowDocument Parse(ReadOnlyMemory<byte> utf8) =>
        StrictJson.TryParse(utf8, out var root, out var error, allowComments: true) ? Read(root) : throw new WorkflowFormatException(error);

    /// <summary>Reads a document from a JSON value that <see cref="StrictJson"/> accepted.</summary>
    public static WorkflowDocument Read(JsonElement root) => Read(root.ValueKind switch
    {
        JsonValueKind.Object => JsonObject.Create(root),
        JsonValueKind.Array => JsonArray.Create(root),
        _ => JsonValue.Create(root),
    });

    /// <summary>Reads a document from an already-parsed JSON value.</summary>
    public static WorkflowDocument Read(JsonNode? root)
    {
        var doc = AsObject(root, "the document");
        RejectUnknown(doc, DocumentFields, "the document");
        var nodes = OptionalArray(doc, "nodes", "nodes");
        var edges = OptionalArray(doc, "edges", "edges");
        return new WorkflowDocument
        {
            Id = OptionalString(doc, "id", "id") ?? "",
            Name = OptionalString(doc, "name", "name"),
            Description = OptionalString(doc, "description", "description"),
            Version = OptionalInt(doc, "version", "version") ?? 0,
            Workspace = OptionalString(doc, "workspace", "workspace") ?? WorkspaceIds.Default,
            History = OptionalString(doc, "history", "history"),
            Nodes = nodes?.Select((n, i) => ReadNode(n, $"nodes/{i}")).ToArray() ?? [],
            Edges = edges?.Select((e, i) => ReadEdge(e, $"edges/{i}")).ToArray() ?? [],
            Layout = doc["layout"] is null ? null : AsObject(doc["layout"], "layout").DeepClone().AsObject(),
            Pinned = doc["pinned"] is null ? null : AsObject(doc["pinned"], "pinned").DeepClone().AsObject(),
            Tests = doc["tests"] is null ? null : OptionalArray(doc, "tests", "tests")!.DeepClone().AsArray(),
        };
    }

    private static WorkflowNode ReadNode(JsonNode? node, string path)
    {
        var obj = AsObject(node, path);
        RejectUnknown(obj, NodeFields, path);
        return new WorkflowNode
        {
            Id = OptionalString(obj, "id", $"{path}/id") ?? "",
            Name = OptionalString(obj, "name", $"{path}/name"),
            Type = OptionalString(obj, "type", $"{path}/type") ?? "",
            Config = obj["config"] is null ? [] : AsObject(obj["config"], $"{path}/config").DeepClone().AsObject(),
            Output = OptionalString(obj, "output", $"{path}/output"),
            Retry = obj["retry"] is null ? null : ReadRetry(obj["retry"], $"{path}/retry"),
            Timeout = OptionalString(obj, "timeout", $"{path}/timeout"),
            OnError = OptionalString(obj, "onError", $"{path}/onError"),
        };
    }

    private static RetryPolicy ReadRetry(JsonNode? node, string path)
    {
        var obj = AsObject(node, path);
        RejectUnknown(obj, RetryFields, path);
        return new RetryPolicy
        {
            MaxAttempts = OptionalInt(obj, "maxAttempts", $"{path}/maxAttempts") ?? 1,
            InitialDelay = OptionalString(obj, "initialDelay", $"{path}/initialDelay"),
            BackoffFactor = OptionalNumber(obj, "backoffFactor", $"{path}/backoffFactor"),
            MaxDelay = OptionalString(obj, "maxDelay", $"{path}/maxDelay"),
            Jitter = OptionalNumber(obj, "jitter", $"{path}/jitter"),
        };
    }

    private static WorkflowEdge ReadEdge(JsonNode? node, string path)
    {
        var obj = AsObject(node, path);
        RejectUnknown(obj, EdgeFields, path);
        return new WorkflowEdge(
            OptionalString(obj, "from", $"{path}/from") ?? "",
            OptionalString(obj, "to", $"{path}/to") ?? "",
            OptionalString(obj, "port", $"{path}/port"));
    }

    /// <summary>Writes the canonical form of a document.</summary>
    public static string Serialize(WorkflowDocument document)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriteOptions))
        {
            Write(writer, document);
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length) + "\n";
    }

    /// <summary>Writes a document to a JSON writer in canonical property order.</summary>
    public static void Write(Utf8JsonWriter writer, WorkflowDocument document)
    {
        writer.WriteStartObject();
        writer.WriteString("id", document.Id);
        if (document.Name is not null) writer.WriteString("name", document.Name);
        if (document.Description is not null) writer.WriteString("description", document.Description);
        writer.WriteNumber("version", document.Version);
        // Only a workspace other than the default is written, so documents from before workspaces read back unchanged.
        if (document.Workspace != WorkspaceIds.Default) writer.WriteString("workspace", document.Workspace);
        // The default policy is not written, so a workflow that keeps every run reads back unchanged.
        if (document.History is not null && document.History != HistoryPolicies.All) writer.WriteString("history", document.History);
        writer.WriteStartArray("nodes");
        foreach (var node in document.Nodes) WriteNode(writer, node);
        writer.WriteEndArray();
        writer.WriteStartArray("edges");
        foreach (var edge in document.Edges)
        {
            writer.WriteStartObject();
            writer.WriteString("from", edge.From);
            if (edge.Port is not null) writer.WriteString("port", edge.Port);
            writer.WriteString("to", edge.To);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        if (document.Layout is not null)
        {
            writer.WritePropertyName("layout");
            document.Layout.WriteTo(writer);
        }
        if (document.Pinned is not null)
        {
            writer.WritePropertyName("pinned");
            document.Pinned.WriteTo(writer);
        }
        if (document.Tests is not null)
        {
            writer.WritePropertyName("tests");
            document.Tests.WriteTo(writer);
        }
        writer.WriteEndObject();
    }

    private static void WriteNode(Utf8JsonWriter writer, WorkflowNode node)
    {
        writer.WriteStartObject();
        writer.WriteString("id", node.Id);
        if (node.Name is not null) writer.WriteString("name", node.Name);
        writer.WriteString("type", node.Type);
        writer.WritePropertyName("config");
        node.Config.WriteTo(writer);
        if (node.Output is not null) writer.WriteString("output", node.Output);
        if (node.Retry is { } retry)
        {
            writer.WriteStartObject("retry");
            writer.WriteNumber("maxAttempts", retry.MaxAttempts);
            if (retry.InitialDelay is not null) writer.WriteString("initialDelay", retry.InitialDelay);
            if (retry.BackoffFactor is { } factor) writer.WriteNumber("backoffFactor", factor);
            if (retry.MaxDelay is not null) writer.WriteString("maxDelay", retry.MaxDelay);
            if (retry.Jitter is { } jitter) writer.WriteNumber("jitter", jitter);
            writer.WriteEndObject();
        }
        if (node.Timeout is not null) writer.WriteString("timeout", node.Timeout);
        if (node.OnError is not null) writer.WriteString("onError", node.OnError);
        writer.WriteEndObject();
    }

    private static JsonObject AsObject(JsonNode? node, string path) =>
        node as JsonObject ?? throw new WorkflowFormatException($"{path} must be a JSON object, not {Describe(node)}.");

    private static JsonArray? OptionalArray(JsonObject obj, string name, string path) => obj[name] switch
    {
        null => null,
        JsonArray array => array,
        var other => throw new WorkflowFormatException($"{path} must be an array, not {Describe(other)}."),
    };

    private static string? OptionalString(JsonObject obj, string name, string path) => obj[name] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        var other => throw new WorkflowFormatException($"{path} must be a string, not {Describe(other)}."),
    };

    private static int? OptionalInt(JsonObject obj, string name, string path) => obj[name] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<int>(out var i) => i,
        var other => throw new WorkflowFormatException($"{path} must be a whole number, not {Describe(other)}."),
    };

    private static double? OptionalNumber(JsonObject obj, string name, string path) => obj[name] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.GetValue<double>(),
        var other => throw new WorkflowFormatException($"{path} must be a number, not {Describe(other)}."),
    };

    private static void RejectUnknown(JsonObject obj, HashSet<string> known, string path)
    {
        foreach (var (name, _) in obj)
        {
            if (!known.Contains(name))
            {
                throw new WorkflowFormatException($"{path} has an unknown property '{name}'; allowed: {string.Join(", ", known)}.");
            }
        }
    }

    private static string Describe(JsonNode? node) => node?.GetValueKind() switch
    {
        null or JsonValueKind.Null => "null",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => $"the string \"{Shorten(node.GetValue<string>())}\"",
        JsonValueKind.Number => $"the number {node.ToJsonString()}",
        _ => node.ToJsonString(),
    };

    private static string Shorten(string s) => s.Length <= 40 ? s : s[..37] + "...";
}
