using System.Text.Json;
using ChatFlows.Core.Documents;

namespace ChatFlows.Core.Storage.Relational;

/// <summary>JSON text columns read back from the database.</summary>
internal static class StoredJson
{
    // What the store wrote may nest deeper than any input (a payload inside a node's output), never deeper than this.
    public static JsonElement? Parse(string? text) => text is null ? null : JsonDocument.Parse(text, StrictJson.StoredOptions).RootElement.Clone();
}
