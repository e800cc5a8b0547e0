using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Secrets;

namespace ChatFlows.Core.Expressions;

/// <summary>
/// A JSON value whose strings are templates (a transform's <c>value</c>, a respond's <c>body</c>). A string that
/// is exactly one <c>{{ … }}</c> keeps the type of what it evaluates to. Without markup the value is fixed and
/// evaluation costs nothing.
/// </summary>
public sealed class JsonTemplate
{
    private readonly JsonNode? _shape;
    private readonly Dictionary<JsonValue, Template> _templates;
    private readonly JsonElement _fixed;

    private JsonTemplate(JsonNode? shape, Dictionary<JsonValue, Template> templates)
    {
        _shape = shape;
        _templates = templates;
        _fixed = templates.Count == 0 ? JsonSerializer.SerializeToElement(shape) : default;
    }

    /// <summary>Parses every string in <paramref name="value"/>; errors name the path below <paramref name="label"/>.</summary>
    public static JsonTemplate Parse(JsonNode? value, string label, List<ExpressionException>? errors = null, SandboxOptions? limits = null, bool credential = false)
    {
        var shape = value?.DeepClone();
        var templates = new Dictionary<JsonValue, Template>(ReferenceEqualityComparer.Instance);
        Collect(shape, label, templates, errors, limits, credential);
        return new JsonTemplate(shape, templates);
    }

    /// <summary>True when the value contains no markup.</summary>
    public bool IsFixed => _templates.Count == 0;

    /// <summary>Evaluates the templates against <paramref name="scope"/>.</summary>
    public async ValueTask<JsonElement> EvaluateAsync(RunScope scope)
    {
        if (IsFixed) return _fixed;
        var buffer = new ArrayBufferWriter<byte>();
        await using (var writer = new Utf8JsonWriter(buffer))
        {
            await WriteAsync(writer, _shape, scope);
        }
        return JsonElement.Parse(buffer.WrittenSpan, StrictJson.StoredOptions);
    }

    private async ValueTask WriteAsync(Utf8JsonWriter writer, JsonNode? node, RunScope scope)
    {
        switch (node)
        {
            case JsonObject obj:
                writer.WriteStartObject();
                foreach (var (name, child) in obj)
                {
                    writer.WritePropertyName(name);
                    await WriteAsync(writer, child, scope);
                }
                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var child in array) await WriteAsync(writer, child, scope);
                writer.WriteEndArray();
                break;
            case JsonValue value when _templates.TryGetValue(value, out var template):
                (await template.EvaluateAsync(scope)).WriteTo(writer);
                break;
            case null:
                writer.WriteNullValue();
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }

    private static void Collect(JsonNode? node, string path, Dictionary<JsonValue, Template> templates, List<ExpressionException>? errors, SandboxOptions? limits, bool credential)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, child) in obj.ToArray())
                {
                    if (credential && child is JsonValue text && text.GetValueKind() == JsonValueKind.String)
                    {
                        // The value node is replaced so that the template below is keyed by the node the shape holds.
                        obj[name] = SecretReferences.Protect(text.GetValue<string>());
                    }
                    Collect(obj[name], $"{path}/{name}", templates, errors, limits, credential);
                }
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++) Collect(array[i], $"{path}/{i}", templates, errors, limits, credential);
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String && Template.HasMarkup(value.GetValue<string>()):
                try
                {
                    templates[value] = Template.Parse(value.GetValue<string>(), path, limits);
                }
                catch (ExpressionException ex) when (errors is not null)
                {
                    errors.Add(ex);
                }
                break;
        }
    }
}
