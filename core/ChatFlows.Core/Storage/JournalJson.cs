using System.Text.Json;
using System.Text.Json.Serialization;
using ChatFlows.Core.Documents;

namespace ChatFlows.Core.Storage;

/// <summary>How journal values that are not plain JSON documents (node steps) are written: camelCase, nulls left out.</summary>
internal static class JournalJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        MaxDepth = StrictJson.StoredMaxDepth,
    };
}
