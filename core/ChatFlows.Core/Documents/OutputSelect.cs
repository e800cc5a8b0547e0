using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ChatFlows.Core.Documents;

/// <summary>
/// A node's <c>select</c> (README §Bounded outputs): the fields of its output to keep, as paths —
/// <c>total</c>, <c>user.name</c>, <c>items[*].id</c> (every item), <c>items[0]</c> (one item), <c>[*].id</c> for an
/// output that is an array. Everything else is dropped before the output is stored in <c>data</c> and the journal;
/// the kept fields keep their place in the output's structure, and a path the output does not have selects nothing.
/// </summary>
public sealed class OutputSelect
{
    /// <summary>Most paths one node may select.</summary>
    public const int MaxPaths = 64;

    private readonly Step _root;

    private OutputSelect(Step root) => _root = root;

    /// <summary>
    /// The selection of a node's <c>config.select</c>, or null when it has none. Problems are reported at
    /// <c>{path}/config/select</c> or <c>…/select/{i}</c>; with problems, null is returned.
    /// </summary>
    public static OutputSelect? Read(JsonObject config, string path, List<ValidationProblem> problems)
    {
        if (!config.TryGetPropertyValue("select", out var value) || value is null) return null;
        var field = $"{path}/config/select";
        if (value is not JsonArray paths)
        {
            problems.Add(new(field, "select must be an array of paths, like [\"total\", \"items[*].id\"]."));
            return null;
        }
        if (paths.Count == 0) problems.Add(new(field, "select must list at least one path; remove it to keep the whole output."));
        if (paths.Count > MaxPaths) problems.Add(new(field, $"select lists {paths.Count} paths; at most {MaxPaths} are allowed."));
        var root = new Step();
        var before = problems.Count;
        for (var i = 0; i < paths.Count; i++)
        {
            if (paths[i] is not JsonValue text || text.GetValueKind() != JsonValueKind.String)
            {
                problems.Add(new($"{field}/{i}", "Each path must be a string, like \"user.name\" or \"items[*].id\"."));
                continue;
            }
            if (Parse(text.GetValue<string>(), root) is { } error) problems.Add(new($"{field}/{i}", error));
        }
        return problems.Count == before && paths.Count is > 0 and <= MaxPaths ? new OutputSelect(root) : null;
    }

    /// <summary>The part of <paramref name="output"/> the paths select.</summary>
    public JsonElement Apply(JsonElement output)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            if (!Write(writer, output, [_root])) writer.WriteNullValue();
        }
        return JsonElement.Parse(buffer.WrittenSpan, StrictJson.StoredOptions);
    }

    // Writes what the steps keep of value; false (nothing written) when they keep nothing of it.
    private static bool Write(Utf8JsonWriter writer, JsonElement value, List<Step> steps)
    {
        if (steps.Any(s => s.Whole))
        {
            value.WriteTo(writer);
            return true;
        }
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in value.EnumerateObject())
                {
                    var next = new List<Step>();
                    foreach (var step in steps)
                    {
                        if (step.Fields.TryGetValue(property.Name, out var child)) next.Add(child);
                    }
                    if (next.Count == 0) continue;
                    writer.WritePropertyName(property.Name);
                    if (!Write(writer, property.Value, next)) writer.WriteNullValue();
                }
                writer.WriteEndObject();
                return true;
            case JsonValueKind.Array when steps.Any(s => s.Each is not null || s.Items.Count > 0):
                writer.WriteStartArray();
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    var next = new List<Step>();
                    foreach (var step in steps)
                    {
                        if (step.Each is { } each) next.Add(each);
                        if (step.Items.TryGetValue(index, out var one)) next.Add(one);
                    }
                    index++;
                    if (next.Count > 0 && !Write(writer, item, next)) writer.WriteNullValue();
                }
                writer.WriteEndArray();
                return true;
            default:
                // A path into fields the value does not have (a number, or an array read by name) keeps nothing.
                return false;
        }
    }

    // Adds one path to the tree of steps; returns a sentence when it does not parse.
    private static string? Parse(string path, Step root)
    {
        const string Syntax = "a path is names joined by '.', each optionally followed by [*] (every item) or [n] (item n), like \"items[*].id\"";
        var text = path.Trim();
        if (text.StartsWith("$.", StringComparison.Ordinal)) text = text[2..];
        if (text.Length == 0) return $"The path is empty; {Syntax}.";
        var step = root;
        var i = 0;
        var expectName = text[0] != '[';
        while (i < text.Length)
        {
            if (text[i] == '[')
            {
                var close = text.IndexOf(']', i);
                if (close < 0) return $"'{path}' has a '[' without its ']'; {Syntax}.";
                var inside = text[(i + 1)..close].Trim();
                if (inside == "*") step = step.Each ??= new Step();
                else if (int.TryParse(inside, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n)) step = step.Items.TryGetValue(n, out var item) ? item : step.Items[n] = new Step();
                else return $"'{path}' has [{inside}]; between brackets use * or an item number; {Syntax}.";
                i = close + 1;
                if (i < text.Length && text[i] == '.') i++;
                else if (i < text.Length && text[i] != '[') return $"'{path}' needs a '.' after ']'; {Syntax}.";
                expectName = i < text.Length && text[i] != '[';
                continue;
            }
            if (!expectName) return $"'{path}' is not a path; {Syntax}.";
            var end = i;
            while (end < text.Length && text[end] != '.' && text[end] != '[') end++;
            var name = text[i..end];
            if (name.Length == 0 || name.Any(c => char.IsWhiteSpace(c) || c is ']' or '*')) return $"'{path}' has an empty or unusable name; {Syntax}.";
            step = step.Fields.TryGetValue(name, out var field) ? field : step.Fields[name] = new Step();
            i = end;
            if (i < text.Length && text[i] == '.')
            {
                i++;
                if (i == text.Length) return $"'{path}' ends with '.'; {Syntax}.";
            }
            expectName = i < text.Length && text[i] != '[';
        }
        step.Whole = true;
        return null;
    }

    private sealed class Step
    {
        public bool Whole { get; set; }

        public Dictionary<string, Step> Fields { get; } = new(StringComparer.Ordinal);

        public Step? Each { get; set; }

        public Dictionary<int, Step> Items { get; } = [];
    }
}
