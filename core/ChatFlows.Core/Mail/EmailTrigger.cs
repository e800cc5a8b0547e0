using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Nodes;

namespace ChatFlows.Core.Mail;

/// <summary>
/// A <c>trigger/email</c> node's config, <c>{connection, folder?: "INBOX", from?, subject?, channel?}</c>: new mail in the
/// folder starts a run when its sender matches <c>from</c> and its subject matches <c>subject</c> (regular
/// expressions, ignoring case; each left out matches everything).
/// </summary>
public sealed record EmailTrigger(string WorkflowId, string TriggerId, string Connection, string Folder, Regex? From, Regex? Subject)
{
    /// <summary>The chat channel its runs post their progress and approvals to (the run's thread), or null.</summary>
    public string? Channel { get; init; }

    /// <summary>The workspace of its workflow, whose connection it reads (README §Workspaces and roles).</summary>
    public string Workspace { get; init; } = Workspaces.WorkspaceIds.Default;

    /// <summary>
    /// The connection as the watcher keys and logs it: its name in the default workspace, <c>workspace/name</c> in
    /// another, so that two workspaces' connections of one name are two mailboxes with their own cursors.
    /// </summary>
    public string ConnectionKey => Workspace == Workspaces.WorkspaceIds.Default ? Connection : $"{Workspace}/{Connection}";

    /// <summary>The node kind.</summary>
    public const string Kind = "email";

    /// <summary>The folder watched when none is given.</summary>
    public const string DefaultFolder = "INBOX";

    /// <summary>How long one pattern may take on one message before it counts as not matching.</summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);

    /// <summary>The pattern of a field, or an error saying why it is not a valid regular expression.</summary>
    public static Regex? Pattern(string? text, out string? error)
    {
        error = null;
        if (string.IsNullOrEmpty(text)) return null;
        try
        {
            return new Regex(text, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, MatchTimeout);
        }
        catch (ArgumentException ex)
        {
            error = $"'{text}' is not a valid regular expression: {ex.Message}";
            return null;
        }
    }

    /// <summary>The email triggers of a document; those that cannot be read are reported and left out.</summary>
    public static List<EmailTrigger> Read(WorkflowDocument document, Action<string, string> problem)
    {
        var triggers = new List<EmailTrigger>();
        foreach (var node in document.Nodes)
        {
            if (node.Type != NodeTypes.Trigger || node.Kind != Kind) continue;
            if (Text(node.Config, "connection") is not { } connection)
            {
                problem(node.Id, "it names no connection.");
                continue;
            }
            var from = Pattern(Text(node.Config, "from"), out var fromError);
            var subject = Pattern(Text(node.Config, "subject"), out var subjectError);
            if ((fromError ?? subjectError) is { } error)
            {
                problem(node.Id, error);
                continue;
            }
            triggers.Add(new EmailTrigger(document.Id, node.Id, connection, Text(node.Config, "folder") ?? DefaultFolder, from, subject) { Channel = Text(node.Config, "channel"), Workspace = document.Workspace });
        }
        return triggers;
    }

    /// <summary>True when a message from <paramref name="sender"/> (<c>Name &lt;address&gt;</c> or an address) about <paramref name="subjectText"/> starts a run.</summary>
    public bool Matches(string sender, string senderAddress, string subjectText) =>
        (From is null || IsMatch(From, senderAddress) || IsMatch(From, sender)) && (Subject is null || IsMatch(Subject, subjectText));

    private static bool IsMatch(Regex pattern, string text)
    {
        try
        {
            return pattern.IsMatch(text);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    private static string? Text(JsonObject config, string field) =>
        config.TryGetPropertyValue(field, out var value) && value is JsonValue v && v.TryGetValue<string>(out var text) && !string.IsNullOrWhiteSpace(text)
            ? text
            : null;
}
