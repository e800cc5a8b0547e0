using ChatFlows.Core.Connections;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Mail;

namespace ChatFlows.Core.Nodes;

/// <summary>
/// <c>trigger/email</c> (see <see cref="EmailTrigger"/>): checked here; the host's mail watcher starts its runs, with
/// the message as the payload <c>{from, to, cc, subject, text, html, date, messageId, attachments}</c>.
/// </summary>
public sealed class EmailTriggerNode : INodeHandler
{
    private static readonly EmailTriggerNode Instance = new();

    private EmailTriggerNode()
    {
    }

    /// <summary>Registers the kind.</summary>
    public static void Register(NodeRegistry registry) =>
        registry.Add(new NodeKind(NodeTypes.Trigger, EmailTrigger.Kind, Setup)
        {
            Label = "Email",
            Description = "Started by new mail in a folder of a mail connection (IMAP).",
            Config = new() { ["connection"] = "", ["folder"] = "INBOX" },
            Fields =
            [
                new("connection", "Connection", NodeFieldTypes.Connection) { ConnectionType = ConnectionTypes.Mail, Required = true, Hint = "The mail connection whose mailbox is watched." },
                new("folder", "Folder") { Hint = "The IMAP folder; empty: INBOX. Only mail that arrives after the workflow is saved starts runs." },
                new("from", "From") { Hint = "A regular expression the sender must match (ignoring case), like @example\\.com$; empty: anyone." },
                new("subject", "Subject") { Hint = "A regular expression the subject must match (ignoring case); empty: any subject." },
                new("channel", "Channel") { Hint = "Where its runs post progress and approvals: slack:C0123, teams:…, playground:name." },
            ],
        });

    private static EmailTriggerNode? Setup(NodeSetup setup)
    {
        setup.Connection("connection", ConnectionTypes.Mail);
        if (setup.Node.Config.ContainsKey("folder")) setup.String("folder", required: true);
        foreach (var field in new[] { "from", "subject" })
        {
            if (EmailTrigger.Pattern(setup.String(field), out var error) is null && error is not null) setup.Problem(field, error);
        }
        setup.Channel("channel");
        return setup.HasProblems ? null : Instance;
    }

    /// <inheritdoc />
    public ValueTask<NodeResult> RunAsync(NodeContext context, CancellationToken ct) => ValueTask.FromResult(NodeResult.Success(context.Scope.Trigger));
}
