using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ChatFlows.Core.Documents;

/// <summary>
/// What a manual trigger takes (README §Workflow inputs): a small subset of JSON Schema describing the run's
/// <c>trigger.args</c>. The root is <c>{type: "object", properties, required}</c>; a property has a <c>type</c>
/// (string, number, integer, boolean, array, object), and may have <c>description</c>, <c>title</c>, <c>enum</c>,
/// <c>default</c>; an array its <c>items</c>, an object its own <c>properties</c>, <c>required</c> and
/// <c>additionalProperties: false</c>, nested up to <see cref="MaxDepth"/> levels. Other keywords are refused when the
/// workflow is saved, so a schema never promises a check that is not made.
/// </summary>
public sealed partial class InputSchema
{
    /// <summary>How deep objects and arrays may nest in a schema.</summary>
    public const int MaxDepth = 5;

    private static readonly string[] Types = ["string", "number", "integer", "boolean", "array", "object"];
    private static readonly string[] Keywords = ["type", "description", "title", "enum", "default", "properties", "required", "items", "additionalProperties"];

    private readonly Field _root;

    private InputSchema(JsonObject json, Field root)
    {
        Json = json;
        _root = root;
    }

    /// <summary>The schema as written.</summary>
    public JsonObject Json { get; }

    /// <summary>The top-level inputs, in the order written: name, schema and whether it is required.</summary>
    public IReadOnlyList<(string Name, JsonObject Schema, bool Required)> Inputs =>
        _root.Properties.Select(p => (p.Key, (JsonObject)Json["properties"]![p.Key]!, _root.Required.Contains(p.Key))).ToArray();

    /// <summary>The schema's <c>description</c>, if any.</summary>
    public string? Description => _root.Description;

    /// <summary>
    /// Reads <paramref name="schema"/>; each problem goes to <paramref name="problem"/> with its path below the schema
    /// (<c>properties/service/type</c>, empty for the schema itself). Null when it has problems.
    /// </summary>
    public static InputSchema? Parse(JsonNode? schema, Action<string, string> problem)
    {
        var problems = 0;
        void Report(string path, string message)
        {
            problems++;
            problem(path, message);
        }
        if (schema is not JsonObject json)
        {
            Report("", "An input schema is a JSON object, like {\"type\": \"object\", \"properties\": {\"service\": {\"type\": \"string\"}}, \"required\": [\"service\"]}.");
            return null;
        }
        if (json["type"] is not JsonValue type || type.GetValueKind() != JsonValueKind.String || type.GetValue<string>() != "object")
        {
            Report("type", "The inputs are named values: the schema's type must be \"object\", with the inputs under properties.");
            return null;
        }
        var root = ReadField(json, "", 0, Report);
        return problems == 0 && root is not null ? new InputSchema((JsonObject)json.DeepClone(), root) : null;
    }

    /// <summary>
    /// Checks <paramref name="args"/> (null counts as no inputs) against the schema. Text is turned into the type the
    /// schema asks for, as chat and the command line give every value as text (<c>count=3</c>, <c>dry=true</c>,
    /// <c>tags=a,b</c>), and missing inputs with a <c>default</c> get it. Returns the problems as
    /// (<c>path below args</c>, message), e.g. (<c>service</c>, <c>required</c>); <paramref name="admitted"/> is the
    /// arguments to run with.
    /// </summary>
    public IReadOnlyList<(string Path, string Message)> Admit(JsonNode? args, out JsonObject admitted)
    {
        var problems = new List<(string, string)>();
        if (args is not null and not JsonObject)
        {
            problems.Add(("args", "The arguments must be an object of named values, like {\"service\": \"api\"}."));
            admitted = [];
            return problems;
        }
        admitted = (JsonObject)(AdmitValue(args ?? new JsonObject(), _root, "", problems) ?? new JsonObject());
        return problems;
    }

    private static Field? ReadField(JsonObject json, string path, int depth, Action<string, string> problem)
    {
        var ok = true;
        void Report(string at, string message)
        {
            ok = false;
            problem(Join(path, at), message);
        }
        foreach (var (key, _) in json)
        {
            if (!Keywords.Contains(key, StringComparer.Ordinal)) Report(key, $"'{key}' is not supported in an input schema; use {string.Join(", ", Keywords)}.");
        }
        string? type = null;
        if (json["type"] is JsonValue t && t.GetValueKind() == JsonValueKind.String && Types.Contains(t.GetValue<string>(), StringComparer.Ordinal)) type = t.GetValue<string>();
        else Report("type", json.ContainsKey("type") ? $"{Describe(json["type"])} is not an input type; use one of {string.Join(", ", Types)}." : $"Say which type the input is: one of {string.Join(", ", Types)}.");

        var description = Text(json, "description", Report);
        Text(json, "title", Report);

        var properties = new List<KeyValuePair<string, Field>>();
        var required = new HashSet<string>(StringComparer.Ordinal);
        var closed = false;
        Field? items = null;
        if (json.ContainsKey("properties") || json.ContainsKey("required") || json.ContainsKey("additionalProperties"))
        {
            if (type is not null and not "object") Report(json.ContainsKey("properties") ? "properties" : json.ContainsKey("required") ? "required" : "additionalProperties", $"Only an input of type object has properties; this one is a {type}.");
        }
        if (json.ContainsKey("items") && type is not null and not "array") Report("items", $"Only an input of type array has items; this one is a {type}.");
        if ((type is "object" or "array") && depth >= MaxDepth) Report("type", $"Inputs nest at most {MaxDepth} levels deep.");
        if (!ok) return null;

        if (type == "object")
        {
            if (json["properties"] is { } props)
            {
                if (props is not JsonObject map) Report("properties", "properties is an object of input names and their schemas.");
                else
                {
                    foreach (var (name, schema) in map)
                    {
                        var at = Join("properties", name);
                        if (!InputName().IsMatch(name)) Report(at, $"'{name}' is not an input name; use letters, digits and '_', starting with a letter or '_' (at most 64).");
                        else if (schema is not JsonObject child) Report(at, $"The schema of '{name}' must be an object, like {{\"type\": \"string\"}}.");
                        else if (ReadField(child, Join(path, at), depth + 1, problem) is { } property) properties.Add(new(name, property));
                        else ok = false;
                    }
                }
            }
            if (json["required"] is { } req)
            {
                if (req is not JsonArray names) Report("required", "required is an array of input names, like [\"service\"].");
                else
                {
                    for (var i = 0; i < names.Count; i++)
                    {
                        var name = names[i] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
                        if (name is null || (json["properties"] as JsonObject)?.ContainsKey(name) != true) Report($"required/{i}", $"{Describe(names[i])} is not one of the properties.");
                        else required.Add(name);
                    }
                }
            }
            if (json["additionalProperties"] is { } extra)
            {
                if (extra is JsonValue b && b.GetValueKind() is JsonValueKind.True or JsonValueKind.False) closed = b.GetValueKind() == JsonValueKind.False;
                else Report("additionalProperties", "additionalProperties is true or false (a schema for other inputs is not supported).");
            }
        }
        if (type == "array" && json["items"] is { } itemsNode)
        {
            if (itemsNode is not JsonObject itemSchema) Report("items", "items is the schema of every item, like {\"type\": \"string\"}.");
            else if ((items = ReadField(itemSchema, Join(path, "items"), depth + 1, problem)) is null) ok = false;
        }
        if (!ok) return null;

        var field = new Field(type!, description, null, properties, required, closed, items, null);
        if (json["enum"] is { } enumNode)
        {
            if (enumNode is not JsonArray values || values.Count == 0) Report("enum", "enum is a non-empty array of the values allowed.");
            else
            {
                for (var i = 0; i < values.Count; i++)
                {
                    var errors = new List<(string, string)>();
                    _ = AdmitValue(values[i], field, "", errors, coerce: false);
                    if (errors.Count > 0) Report($"enum/{i}", $"{Describe(values[i])} is not a {type}.");
                }
                field = field with { Enum = values };
            }
        }
        if (json.ContainsKey("default"))
        {
            var errors = new List<(string, string)>();
            _ = AdmitValue(json["default"], field, "", errors, coerce: false);
            foreach (var (at, message) in errors) Report(Join("default", at), message);
            field = field with { Default = json["default"]?.DeepClone() };
        }
        return ok ? field : null;
    }

    private static string? Text(JsonObject json, string key, Action<string, string> report)
    {
        if (!json.ContainsKey(key)) return null;
        if (json[key] is JsonValue v && v.GetValueKind() == JsonValueKind.String) return v.GetValue<string>();
        report(key, $"{key} must be text.");
        return null;
    }

    // Checks one value; returns what to run with (text turned into numbers, defaults filled in) or null when absent.
    private static JsonNode? AdmitValue(JsonNode? value, Field field, string path, List<(string, string)> problems, bool coerce = true)
    {
        var kind = value?.GetValueKind() ?? JsonValueKind.Null;
        var text = kind == JsonValueKind.String ? value!.GetValue<string>() : null;
        JsonNode? result;
        switch (field.Type)
        {
            case "string":
                result = text is not null ? JsonValue.Create(text) : null;
                if (result is null) problems.Add((path, Must("a string", value)));
                break;
            case "number":
                result = kind == JsonValueKind.Number ? value!.DeepClone()
                    : coerce && text is not null && double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) ? JsonValue.Create(d)
                    : null;
                if (result is null) problems.Add((path, Must("a number", value)));
                break;
            case "integer":
                result = kind == JsonValueKind.Number && value!.AsValue().TryGetValue<decimal>(out var m) && m == decimal.Truncate(m) ? value.DeepClone()
                    : kind == JsonValueKind.Number && value!.AsValue().TryGetValue<long>(out _) ? value.DeepClone()
                    : coerce && text is not null && long.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) ? JsonValue.Create(l)
                    : null;
                if (result is null) problems.Add((path, Must("an integer", value)));
                break;
            case "boolean":
                result = kind is JsonValueKind.True or JsonValueKind.False ? value!.DeepClone()
                    : coerce && text?.Trim().ToLowerInvariant() is "true" or "false" ? JsonValue.Create(text.Trim().Equals("true", StringComparison.OrdinalIgnoreCase))
                    : null;
                if (result is null) problems.Add((path, Must("true or false", value)));
                break;
            case "array":
                var array = value as JsonArray ?? (coerce && text is not null ? ParseText(text, '[') as JsonArray ?? SplitList(text) : null);
                if (array is null)
                {
                    problems.Add((path, Must("a list", value)));
                    return null;
                }
                var items = new JsonArray();
                for (var i = 0; i < array.Count; i++)
                {
                    items.Add(field.Items is null ? array[i]?.DeepClone() : AdmitValue(array[i], field.Items, Join(path, i.ToString(CultureInfo.InvariantCulture)), problems, coerce));
                }
                result = items;
                break;
            default:
                var obj = value as JsonObject ?? (coerce && text is not null ? ParseText(text, '{') as JsonObject : null);
                if (obj is null)
                {
                    problems.Add((path, Must("an object", value)));
                    return null;
                }
                var admitted = new JsonObject();
                foreach (var (name, child) in field.Properties)
                {
                    var at = Join(path, name);
                    if (obj.TryGetPropertyValue(name, out var given) && given is not null) admitted[name] = AdmitValue(given, child, at, problems, coerce);
                    else if (child.Default is not null && coerce) admitted[name] = child.Default.DeepClone();
                    else if (field.Required.Contains(name)) problems.Add((at, child.Description is { Length: > 0 } about ? $"required ({about})" : "required"));
                }
                foreach (var (name, given) in obj)
                {
                    if (field.Properties.Exists(p => p.Key == name)) continue;
                    if (field.Closed)
                    {
                        problems.Add((Join(path, name), $"is not an input here; the inputs are {string.Join(", ", field.Properties.Select(p => p.Key))}."));
                    }
                    else
                    {
                        admitted[name] = given?.DeepClone();
                    }
                }
                result = admitted;
                break;
        }
        if (result is not null && field.Enum is { } allowed && !allowed.Any(a => JsonNode.DeepEquals(a, result)))
        {
            problems.Add((path, $"must be one of {string.Join(", ", allowed.Select(a => a is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : a?.ToJsonString() ?? "null"))}, not {Describe(value)}"));
        }
        return result;
    }

    private static JsonNode? ParseText(string text, char open)
    {
        var trimmed = text.Trim();
        if (!trimmed.StartsWith(open)) return null;
        try
        {
            return JsonNode.Parse(trimmed);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static JsonArray SplitList(string text) =>
        text.Trim().Length == 0 ? [] : new JsonArray(text.Split(',').Select(s => (JsonNode?)JsonValue.Create(s.Trim())).ToArray());

    private static string Must(string what, JsonNode? value) => value is null ? $"must be {what}" : $"must be {what}, not {Describe(value)}";

    private static string Describe(JsonNode? value) => value switch
    {
        null => "null",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => $"'{v.GetValue<string>()}'",
        JsonArray => "a list",
        JsonObject => "an object",
        _ => value.ToJsonString(),
    };

    private static string Join(string path, string name) => path.Length == 0 ? name : name.Length == 0 ? path : $"{path}/{name}";

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,63}\\z")]
    private static partial Regex InputName();

    private sealed record Field(
        string Type, string? Description, JsonArray? Enum, List<KeyValuePair<string, Field>> Properties, HashSet<string> Required, bool Closed, Field? Items, JsonNode? Default);
}
