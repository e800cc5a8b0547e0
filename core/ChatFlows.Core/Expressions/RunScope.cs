using System.Text.Json;

namespace ChatFlows.Core.Expressions;

/// <summary>
/// What templates and expressions see: <c>trigger</c>, <c>data</c> and <c>run</c>. Values are immutable
/// <see cref="JsonElement"/>s so that concurrent branches can read them while the run records new outputs.
/// </summary>
public abstract class RunScope
{
    /// <summary>The payload the run was started with.</summary>
    public abstract JsonElement Trigger { get; }

    /// <summary>Node outputs recorded so far, by output key.</summary>
    public abstract IEnumerable<KeyValuePair<string, JsonElement>> Data { get; }

    /// <summary>The output stored under <paramref name="key"/>, if any.</summary>
    public abstract bool TryGetData(string key, out JsonElement value);

    /// <summary><c>{ id, workflow, startedBy, thread }</c>.</summary>
    public abstract JsonElement Run { get; }

    /// <summary>The workspace whose secrets the run reads: its workflow's (README §Workspaces and roles).</summary>
    public virtual string Workspace => Workspaces.WorkspaceIds.Default;

    /// <summary>
    /// The value of the secret <paramref name="name"/>, for a credential field's <c>{{ secrets.NAME }}</c> resolved
    /// where the node uses it (never for templates or conditions); false when it is not set. A run remembers the
    /// secrets it read, so that their values are redacted from what it records.
    /// </summary>
    public virtual bool TryGetSecret(string name, out string value)
    {
        value = "";
        return false;
    }

    /// <summary>
    /// Tells the run that a node is about to use a credential that is not a named secret (a connection's password or
    /// token), so that its value is redacted from what the run records as <c>[secret LABEL]</c>.
    /// </summary>
    public virtual void Redacts(string label, string value)
    {
    }
}
