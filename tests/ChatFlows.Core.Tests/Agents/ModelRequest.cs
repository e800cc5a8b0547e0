using System.Text.Json;

namespace ChatFlows.Core.Tests.Agents;

/// <summary>A request the fake model server received.</summary>
/// <param name="Index">0 for the first request the server received, 1 for the second, …</param>
/// <param name="Path">The request path, e.g. <c>/v1/chat/completions</c>.</param>
/// <param name="Body">The JSON body.</param>
/// <param name="Authorization">The Authorization header, if any.</param>
/// <param name="ApiKey">The api-key header (Azure OpenAI), if any.</param>
internal sealed record ModelRequest(int Index, string Path, JsonElement Body, string? Authorization, string? ApiKey)
{
    /// <summary>The <c>messages</c> array.</summary>
    public IReadOnlyList<JsonElement> Messages => [.. Body.GetProperty("messages").EnumerateArray()];

    /// <summary>The names of the function tools offered, in order; empty when none were.</summary>
    public IReadOnlyList<string> ToolNames => Body.TryGetProperty("tools", out var tools) && tools.ValueKind == JsonValueKind.Array
        ? [.. tools.EnumerateArray().Select(t => t.GetProperty("function").GetProperty("name").GetString()!)]
        : [];

    /// <summary>The request's <c>tool_choice</c> as text ("auto", "none", …), or null when absent.</summary>
    public string? ToolChoice => Body.TryGetProperty("tool_choice", out var choice)
        ? choice.ValueKind == JsonValueKind.String ? choice.GetString() : choice.GetRawText()
        : null;
}
