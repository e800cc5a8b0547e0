using System.Text.Json;
using ChatFlows.Core.Expressions;

namespace ChatFlows.Core.Tests;

/// <summary>A fixed run context for templates and expressions, built from JSON text.</summary>
internal sealed class TestScope : RunScope
{
    private readonly Dictionary<string, JsonElement> _data;

    /// <param name="data">A JSON object whose properties become <c>data</c>; null for none.</param>
    /// <param name="trigger">The trigger payload; null for <c>{}</c>.</param>
    /// <param name="run">The run object; null for a fixed test run.</param>
    public TestScope(string? data = null, string? trigger = null, string? run = null)
    {
        Trigger = JsonElement.Parse(trigger ?? "{}");
        Run = JsonElement.Parse(run ?? """{"id":"run-1","workflow":"test","startedBy":"playground:tester","thread":null}""");
        var dataObject = JsonElement.Parse(data ?? "{}");
        _data = dataObject.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal);
    }

    public override JsonElement Trigger { get; }

    public override JsonElement Run { get; }

    public override IEnumerable<KeyValuePair<string, JsonElement>> Data => _data;

    public override bool TryGetData(string key, out JsonElement value) => _data.TryGetValue(key, out value);
}
