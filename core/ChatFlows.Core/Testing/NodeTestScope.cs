using System.Text.Json;
using ChatFlows.Core.Expressions;
using ChatFlows.Core.Secrets;

namespace ChatFlows.Core.Testing;

// trigger, data and run for one tested node; secrets resolve from the same vault as in a run and are redacted the same way.
internal sealed class NodeTestScope(JsonElement trigger, IReadOnlyDictionary<string, JsonElement> data, JsonElement run, SecretVault? secrets, string workspace) : RunScope
{
    /// <summary>The secrets the node read (its workflow's workspace's), redacted from its output and error.</summary>
    public SecretsInUse Secrets { get; } = new() { Vault = secrets, Workspace = workspace };

    public override JsonElement Trigger => trigger;

    public override IEnumerable<KeyValuePair<string, JsonElement>> Data => data;

    public override JsonElement Run => run;

    public override bool TryGetData(string key, out JsonElement value) => data.TryGetValue(key, out value);

    public override string Workspace => workspace;

    public override bool TryGetSecret(string name, out string value) => Secrets.TryGet(name, out value);

    public override void Redacts(string label, string value) => Secrets.Add(label, value);
}
