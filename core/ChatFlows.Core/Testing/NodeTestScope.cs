using System.Text.Json;
using ChatFlows.Core.Expressions;
using ChatFlows.Core.Secrets;

namespace ChatFlows.Core.Testing;

// trigger, data and run for one tested node; secrets resolve from the same vault as in a run and are redacted the same way.
internal sealed class NodeTestScope(JsonElement trigger, IReadOnlyDictionary<string, JsonElement> data, JsonElement run, SecretVault? secrets) : RunScope
{
    private readonly List<KeyValuePair<string, string>> _used = [];

    public override JsonElement Trigger => trigger;

    public override IEnumerable<KeyValuePair<string, JsonElement>> Data => data;

    public override JsonElement Run => run;

    public override bool TryGetData(string key, out JsonElement value) => data.TryGetValue(key, out value);

    public override bool TryGetSecret(string name, out string value)
    {
        if (secrets is null || !secrets.TryGet(name, out value))
        {
            value = "";
            return false;
        }
        Redacts(name, value);
        return true;
    }

    public override void Redacts(string label, string value)
    {
        if (value.Length == 0) return;
        lock (_used)
        {
            var used = new KeyValuePair<string, string>(label, value);
            if (!_used.Contains(used)) _used.Add(used);
        }
    }

    public string Redact(string text)
    {
        lock (_used) return _used.Count == 0 ? text : SecretRedactor.Redact(text, _used.ToArray());
    }

    public JsonElement? Redact(JsonElement? value)
    {
        lock (_used) return _used.Count == 0 || value is not { } element ? value : SecretRedactor.Redact(element, _used.ToArray());
    }
}
