using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace ChatFlows.Core.Mcp;

/// <summary>
/// One tool of an MCP server as a function the model may call: its parameters are the tool's input schema, and each
/// call goes through <see cref="McpClients"/>, so a server that was restarted is reached again. A result the tool
/// marks <c>isError</c> fails the call with the tool's own text, which is what the model reads and the step keeps.
/// </summary>
internal sealed class McpToolFunction(McpClients clients, string server, Tool tool, string name) : AIFunction
{
    public override string Name => name;

    public override string Description => tool.Description ?? tool.Title ?? $"The tool '{tool.Name}' of MCP server '{server}'.";

    public override JsonElement JsonSchema => tool.InputSchema;

    protected override async ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken)
    {
        CallToolResult result;
        try
        {
            result = await clients.CallAsync(server, tool.Name, ArgumentsOf(arguments), cancellationToken);
        }
        catch (McpProtocolException ex)
        {
            throw new InvalidOperationException($"MCP server '{server}' refused the call of '{tool.Name}': {ex.Message}", ex);
        }
        catch (McpServerUnavailableException ex)
        {
            throw new InvalidOperationException(ex.Message, ex);
        }
        var text = TextOf(result);
        if (result.IsError == true)
        {
            throw new InvalidOperationException(text.Length == 0 ? $"The tool '{tool.Name}' of MCP server '{server}' failed without saying why." : text);
        }
        if (result.StructuredContent is { } structured) return structured;
        return text;
    }

    // Semantic Kernel hands every argument over as the text the model wrote; the server expects the JSON types its schema names.
    private Dictionary<string, object?> ArgumentsOf(AIFunctionArguments arguments)
    {
        var properties = tool.InputSchema.ValueKind == JsonValueKind.Object && tool.InputSchema.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object
            ? p : default;
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in arguments)
        {
            values[key] = value is string text && properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty(key, out var schema) && !TakesString(schema)
                ? ParseOrKeep(text)
                : value;
        }
        return values;
    }

    private static bool TakesString(JsonElement schema)
    {
        if (schema.ValueKind != JsonValueKind.Object || !schema.TryGetProperty("type", out var type)) return true;
        return type.ValueKind switch
        {
            JsonValueKind.String => type.GetString() == "string",
            JsonValueKind.Array => type.EnumerateArray().Any(t => t.ValueKind == JsonValueKind.String && t.GetString() == "string"),
            _ => true,
        };
    }

    private static object ParseOrKeep(string text)
    {
        try
        {
            return JsonElement.Parse(text);
        }
        catch (JsonException)
        {
            return text;
        }
    }

    private static string TextOf(CallToolResult result)
    {
        var text = new StringBuilder();
        foreach (var block in result.Content)
        {
            if (text.Length > 0) text.Append('\n');
            text.Append(block switch
            {
                TextContentBlock t => t.Text,
                ImageContentBlock i => $"[image, {i.MimeType}]",
                AudioContentBlock a => $"[audio, {a.MimeType}]",
                EmbeddedResourceBlock r => r.Resource is TextResourceContents t ? t.Text : $"[resource {r.Resource.Uri}]",
                ResourceLinkBlock l => $"[resource {l.Uri}]",
                _ => $"[{block.Type}]",
            });
        }
        return text.ToString();
    }
}
