using System.Text.Json;
using System.Text.Json.Serialization;
using ChatFlows.Core.Documents;

namespace ChatFlows.Canvas.Api;

/// <summary>
/// Writes workflow documents in their canonical §3 form (the same bytes the store and the CLI use) rather than as
/// a reflection of <see cref="WorkflowDocument"/>, which would add computed properties such as <c>displayName</c>.
/// </summary>
internal sealed class WorkflowDocumentJsonConverter : JsonConverter<WorkflowDocument>
{
    public override WorkflowDocument Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var value = JsonElement.ParseValue(ref reader);
        return StrictJson.Problem(value) is { } problem ? throw new JsonException("The workflow document is " + problem) : WorkflowJson.Read(value);
    }

    public override void Write(Utf8JsonWriter writer, WorkflowDocument value, JsonSerializerOptions options) =>
        WorkflowJson.Write(writer, value);
}
