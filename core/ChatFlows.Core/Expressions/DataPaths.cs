using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ChatFlows.Core.Expressions;

/// <summary>
/// Walks the values a node can read (<see cref="DataSample"/>) into the paths the editor's data picker offers:
/// <c>trigger.*</c>, <c>data.&lt;output key&gt;.*</c>, <c>run.*</c> and, in credential fields, <c>secrets.NAME</c>
/// (names only). Arrays offer their first item (<c>items[0].name</c>) and their length — <c>size</c> in templates,
/// <c>length</c> in conditions, as Liquid and JavaScript spell it.
/// </summary>
public static partial class DataPaths
{
    /// <summary>Most paths listed for one node; a huge payload is cut, not walked whole.</summary>
    public const int MaxPaths = 500;

    /// <summary>Deepest level walked below <c>trigger</c>, <c>data.&lt;key&gt;</c> or <c>run</c>.</summary>
    public const int MaxDepth = 8;

    /// <summary>Most characters of an example value.</summary>
    public const int MaxExampleLength = 80;

    /// <summary>
    /// Every path of <paramref name="sample"/>, in the order trigger, data (upstream nodes in document order), run,
    /// secrets. <paramref name="expression"/> selects JavaScript's <c>length</c> over Liquid's <c>size</c>.
    /// </summary>
    public static IReadOnlyList<DataPath> List(DataSample sample, bool expression, IEnumerable<string>? secretNames = null)
    {
        var paths = new List<DataPath>();
        Walk(paths, "trigger", sample.Trigger, sample.TriggerSource, expression, 0);
        foreach (var (key, value) in sample.Data)
        {
            Walk(paths, Member("data", key), value.Value, value.Source, expression, 0);
        }
        Walk(paths, "run", sample.Run, sample.RunSource, expression, 0);
        foreach (var name in secretNames ?? [])
        {
            if (paths.Count >= MaxPaths) break;
            paths.Add(new DataPath($"secrets.{name}", "secret", null, "secret"));
        }
        return paths;
    }

    /// <summary>A value shortened for display: strings as themselves, everything else as compact JSON.</summary>
    public static string Shorten(JsonElement value)
    {
        var text = value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
        return text.Length <= MaxExampleLength ? text : string.Concat(text.AsSpan(0, MaxExampleLength - 1), "…");
    }

    private static void Walk(List<DataPath> paths, string path, JsonElement value, string source, bool expression, int depth)
    {
        if (paths.Count >= MaxPaths) return;
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                paths.Add(new DataPath(path, "object", null, source));
                if (depth >= MaxDepth) return;
                foreach (var property in value.EnumerateObject())
                {
                    Walk(paths, Member(path, property.Name), property.Value, source, expression, depth + 1);
                }
                break;
            case JsonValueKind.Array:
                var count = value.GetArrayLength();
                paths.Add(new DataPath(path, "array", count == 1 ? "1 item" : string.Create(CultureInfo.InvariantCulture, $"{count} items"), source));
                if (paths.Count < MaxPaths) paths.Add(new DataPath(path + (expression ? ".length" : ".size"), "number", count.ToString(CultureInfo.InvariantCulture), source));
                if (count > 0 && depth < MaxDepth) Walk(paths, path + "[0]", value[0], source, expression, depth + 1);
                break;
            case JsonValueKind.String:
                paths.Add(new DataPath(path, "string", Shorten(value), source));
                break;
            case JsonValueKind.Number:
                paths.Add(new DataPath(path, "number", value.GetRawText(), source));
                break;
            case JsonValueKind.True:
            case JsonValueKind.False:
                paths.Add(new DataPath(path, "boolean", value.GetRawText(), source));
                break;
            default:
                paths.Add(new DataPath(path, "null", "null", source));
                break;
        }
    }

    // data.check, or data["output-key"] for keys that are not identifiers; both Liquid and JavaScript read the second form.
    private static string Member(string path, string name) =>
        Identifier().IsMatch(name) ? $"{path}.{name}" : $"{path}[{JsonSerializer.Serialize(name)}]";

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*\\z")]
    private static partial Regex Identifier();
}
