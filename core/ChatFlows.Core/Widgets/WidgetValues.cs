using System.Globalization;
using System.Text.Json;
using ChatFlows.Core.Nodes;

namespace ChatFlows.Core.Widgets;

/// <summary>
/// Checks the value an <c>output/widget</c> node computed against the widget's type (README §Dashboard widgets) and
/// turns it into a <see cref="WidgetUpdate"/>; a value of the wrong shape fails the node with a sentence saying what
/// the type takes.
/// </summary>
public static class WidgetValues
{
    /// <summary>Most rows of a table or items of a list a widget keeps; the dashboard is a summary, not a report.</summary>
    public const int MaxItems = 200;

    /// <summary>
    /// <paramref name="raw"/> with its value checked for its type: a number as a number, a series as its points (a number
    /// is one point at the update's time).
    /// </summary>
    /// <exception cref="NodeException">The value does not fit the type.</exception>
    public static WidgetUpdate Check(WidgetUpdate raw) => raw.Type switch
    {
        WidgetTypes.Number => raw with { Value = JsonSerializer.SerializeToElement(Number(raw.Value, raw.Name)) },
        WidgetTypes.Text => raw with { Value = Text(raw.Value, raw.Name) },
        WidgetTypes.Table => raw with { Value = Table(raw.Value, raw.Name) },
        WidgetTypes.List => raw with { Value = List(raw.Value, raw.Name) },
        WidgetTypes.Series => Series(raw),
        _ => throw new NodeException($"'{raw.Type}' is not a widget type; use one of {string.Join(", ", WidgetTypes.All)}."),
    };

    private static double Number(JsonElement value, string name) => TryNumber(value, out var number)
        ? number
        : throw new NodeException($"Widget '{name}' is a number, but its value is {Describe(value)}; make value a number, like {{{{ data.count.total }}}}.");

    private static bool TryNumber(JsonElement value, out double number)
    {
        number = 0;
        return value.ValueKind switch
        {
            JsonValueKind.Number => value.TryGetDouble(out number) && double.IsFinite(number),
            // A template that renders text ("42") still counts; anything else does not.
            JsonValueKind.String => double.TryParse(value.GetString()!.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out number) && double.IsFinite(number),
            _ => false,
        };
    }

    private static JsonElement Text(JsonElement value, string name) => value.ValueKind == JsonValueKind.String
        ? value
        : throw new NodeException($"Widget '{name}' is text, but its value is {Describe(value)}; make value a Markdown string.");

    private static JsonElement Table(JsonElement value, string name)
    {
        const string Shape = "make value an array of objects (one per row) or {\"columns\": [names], \"rows\": [[cells]]}";
        if (value.ValueKind == JsonValueKind.Array)
        {
            var index = 0;
            foreach (var row in value.EnumerateArray())
            {
                if (row.ValueKind != JsonValueKind.Object) throw new NodeException($"Widget '{name}' is a table, but row {index} of its value is {Describe(row)}; {Shape}.");
                index++;
            }
            return Bounded(value, index, name, "rows");
        }
        if (value.ValueKind == JsonValueKind.Object
            && value.TryGetProperty("columns", out var columns) && columns.ValueKind == JsonValueKind.Array && columns.EnumerateArray().All(c => c.ValueKind == JsonValueKind.String)
            && value.TryGetProperty("rows", out var rows) && rows.ValueKind == JsonValueKind.Array && rows.EnumerateArray().All(r => r.ValueKind == JsonValueKind.Array))
        {
            return Bounded(value, rows.GetArrayLength(), name, "rows");
        }
        throw new NodeException($"Widget '{name}' is a table, but its value is {Describe(value)}; {Shape}.");
    }

    private static JsonElement List(JsonElement value, string name)
    {
        const string Shape = "make value an array of strings or of {\"text\": …, \"url\": \"https://…\"}";
        if (value.ValueKind != JsonValueKind.Array) throw new NodeException($"Widget '{name}' is a list, but its value is {Describe(value)}; {Shape}.");
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            var fits = item.ValueKind == JsonValueKind.String
                || (item.ValueKind == JsonValueKind.Object && item.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String
                    && (!item.TryGetProperty("url", out var url) || url.ValueKind == JsonValueKind.Null || IsWebAddress(url)));
            if (!fits) throw new NodeException($"Widget '{name}' is a list, but item {index} of its value is {Describe(item)}; {Shape} (links must be http or https).");
            index++;
        }
        return Bounded(value, index, name, "items");
    }

    private static WidgetUpdate Series(WidgetUpdate raw)
    {
        var (value, name) = (raw.Value, raw.Name);
        const string Shape = "make value a number (a point at the run's time) or an array of {\"at\": \"2026-03-01T09:00:00Z\", \"value\": 12.5}";
        if (TryNumber(value, out var number))
        {
            return raw with { Value = JsonSerializer.SerializeToElement(number), Points = [(raw.At, number)], ReplacesPoints = false };
        }
        if (value.ValueKind != JsonValueKind.Array) throw new NodeException($"Widget '{name}' is a series, but its value is {Describe(value)}; {Shape}.");
        var points = new List<(DateTimeOffset At, double Value)>();
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object
                || !item.TryGetProperty("at", out var when) || when.ValueKind != JsonValueKind.String
                || !DateTimeOffset.TryParse(when.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var pointAt)
                || !item.TryGetProperty("value", out var pointValue) || !TryNumber(pointValue, out var y))
            {
                throw new NodeException($"Widget '{name}' is a series, but point {points.Count} of its value is {Describe(item)}; {Shape}.");
            }
            points.Add((pointAt, y));
        }
        if (points.Count == 0) throw new NodeException($"Widget '{name}' is a series, but its value is an empty array; {Shape}.");
        if (points.Count > IWidgetStore.HistoryLimit) throw new NodeException($"Widget '{name}' is a series of {points.Count} points; at most {IWidgetStore.HistoryLimit} are kept, so send the latest ones.");
        var ordered = points.OrderBy(p => p.At).ToArray();
        return raw with { Value = JsonSerializer.SerializeToElement(ordered[^1].Value), Points = ordered, ReplacesPoints = true };
    }

    private static bool IsWebAddress(JsonElement url) =>
        url.ValueKind == JsonValueKind.String && Uri.TryCreate(url.GetString(), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    private static JsonElement Bounded(JsonElement value, int count, string name, string what) => count <= MaxItems
        ? value
        : throw new NodeException($"Widget '{name}' has {count} {what}; a widget shows at most {MaxItems}, so keep the first ones (for example with a transform).");

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"the text \"{Preview(value.GetString()!)}\"",
        JsonValueKind.Number => $"the number {value.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => $"{value.GetRawText()}",
        JsonValueKind.Null or JsonValueKind.Undefined => "empty (null)",
        JsonValueKind.Array => $"an array of {value.GetArrayLength()}",
        _ => "an object",
    };

    private static string Preview(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
