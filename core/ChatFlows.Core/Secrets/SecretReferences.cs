using System.Security.Cryptography;
using System.Text.RegularExpressions;
using ChatFlows.Core.Expressions;

namespace ChatFlows.Core.Secrets;

/// <summary>
/// <c>{{ secrets.NAME }}</c> in credential fields (README §Secrets). A secret is not a template variable: in a
/// credential field the reference is swapped for a marker before the template is parsed, the template renders with
/// the marker as plain text, and the node resolves markers to values at the moment it uses them. Filters,
/// conditions and outputs therefore never see a secret; the run remembers what it resolved so that exact values are
/// still redacted from what it records.
/// </summary>
public static partial class SecretReferences
{
    /// <summary>Where secrets may be written, for validation messages.</summary>
    public const string WhereAllowed =
        "secrets can be used only in credential fields (tool/http headers and query values, a webhook trigger's secret), written as {{ secrets.NAME }} with no filter";

    // Private-use characters around a per-process random token: templating passes them through as text, and run
    // data (a webhook body, a chat argument) cannot forge a marker it has never seen.
    private static readonly string Open = "\uE000" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16)) + ":";
    private const char Close = '\uE001';

    /// <summary>The text with every plain <c>{{ secrets.NAME }}</c> replaced by its marker.</summary>
    public static string Protect(string source) => PlainReference().Replace(source, m => Open + m.Groups[1].Value + Close);

    /// <summary>The rendered text with every marker replaced by its secret's value, read through the run.</summary>
    /// <exception cref="InvalidOperationException">A referenced secret is not set; the message says how to set it.</exception>
    public static string Resolve(string rendered, RunScope scope)
    {
        var at = rendered.IndexOf(Open, StringComparison.Ordinal);
        if (at < 0) return rendered;
        var result = new System.Text.StringBuilder(rendered.Length);
        var from = 0;
        while (at >= 0)
        {
            var end = rendered.IndexOf(Close, at + Open.Length);
            if (end < 0) break;
            var name = rendered[(at + Open.Length)..end];
            if (!scope.TryGetSecret(name, out var value))
            {
                throw new InvalidOperationException($"secret '{name}' is not set; {HowToSet(scope.Workspace, name)}.");
            }
            result.Append(rendered, from, at - from).Append(value);
            from = end + 1;
            at = rendered.IndexOf(Open, from, StringComparison.Ordinal);
        }
        return result.Append(rendered, from, rendered.Length - from).ToString();
    }

    /// <summary>
    /// Where to set secret <paramref name="name"/> of <paramref name="workspace"/>, for messages: the same words whether the
    /// secret is set nowhere or only in another workspace, so a message never tells one team about another's secrets.
    /// </summary>
    public static string HowToSet(string workspace, string name) => workspace == Workspaces.WorkspaceIds.Default
        ? $"add it with PUT /api/secrets/{name} or the configuration key ChatFlows:Secrets:{name}"
        : $"add it with PUT /api/w/{workspace}/secrets/{name}";

    /// <summary>
    /// A credential read outside a run (a webhook trigger's secret): every plain <c>{{ secrets.NAME }}</c> replaced by its
    /// value from <paramref name="vault"/>. Null when a named secret is not set; <paramref name="missing"/> then names it.
    /// </summary>
    public static string? ResolveFrom(string text, SecretVault vault, out string missing) => ResolveFrom(text, vault, Workspaces.WorkspaceIds.Default, out missing);

    /// <summary>
    /// A credential read outside a run (a webhook trigger's secret): every plain <c>{{ secrets.NAME }}</c> replaced by its
    /// value in <paramref name="workspace"/>. Null when a named secret is not set there; <paramref name="missing"/> then names it.
    /// </summary>
    public static string? ResolveFrom(string text, SecretVault vault, string workspace, out string missing)
    {
        var unset = "";
        var resolved = PlainReference().Replace(text, m =>
        {
            if (vault.TryGet(workspace, m.Groups[1].Value, out var value) && value.Length > 0) return value;
            if (unset.Length == 0) unset = m.Groups[1].Value;
            return "";
        });
        missing = unset;
        return unset.Length > 0 ? null : resolved;
    }

    /// <summary>
    /// The text with every plain <c>{{ secrets.NAME }}</c> replaced by <paramref name="mask"/>: what the editor's preview
    /// shows, so that a preview never reads a secret.
    /// </summary>
    public static string Mask(string source, string mask) => PlainReference().Replace(source, mask.Replace("$", "$$", StringComparison.Ordinal));

    /// <summary>The names of the secrets <paramref name="text"/> references as <c>{{ secrets.NAME }}</c>, each once.</summary>
    public static IEnumerable<string> Names(string text) => PlainReference().Matches(text).Select(m => m.Groups[1].Value).Distinct(StringComparer.Ordinal);

    /// <summary>True when Liquid markup in <paramref name="text"/> mentions <c>secrets</c> in any form.</summary>
    public static bool IsMentioned(string text) =>
        Template.HasMarkup(text) && Markup().Matches(text).Any(m => SecretsWord().IsMatch(m.Value));

    /// <summary>True when every mention of <c>secrets</c> in <paramref name="text"/> is a plain <c>{{ secrets.NAME }}</c>.</summary>
    public static bool IsPlainOnly(string text) => !IsMentioned(PlainReference().Replace(text, ""));

    /// <summary>True when a JavaScript expression names <c>secrets</c>.</summary>
    public static bool IsMentionedInExpression(string expression) => SecretsWord().IsMatch(expression);

    [GeneratedRegex(@"\{\{-?\s*secrets\.([A-Za-z_][A-Za-z0-9_]{0,127})\s*-?\}\}")]
    private static partial Regex PlainReference();

    [GeneratedRegex(@"\{\{.*?(\}\}|$)|\{%.*?(%\}|$)", RegexOptions.Singleline)]
    private static partial Regex Markup();

    [GeneratedRegex(@"\bsecrets\b")]
    private static partial Regex SecretsWord();
}
