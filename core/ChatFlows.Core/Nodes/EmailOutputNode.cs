using ChatFlows.Core.Connections;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Expressions;
using ChatFlows.Core.Mail;

namespace ChatFlows.Core.Nodes;

/// <summary>
/// <c>output/email</c>: sends <c>text</c> (Markdown) to <c>to</c> and <c>cc</c> with <c>subject</c> through the SMTP
/// server of a mail connection, as text/plain plus text/html, once per run (see <see cref="MailSender"/>). Outputs
/// <c>{messageId, to, cc, subject}</c>.
/// </summary>
public sealed class EmailOutputNode : INodeHandler
{
    private readonly string _connection;
    private readonly Template _to;
    private readonly Template? _cc;
    private readonly Template _subject;
    private readonly Template _text;
    private readonly ConnectionRegistry? _connections;

    private string _path = "";

    private EmailOutputNode(string connection, Template to, Template? cc, Template subject, Template text, ConnectionRegistry? connections)
    {
        _connection = connection;
        _to = to;
        _cc = cc;
        _subject = subject;
        _text = text;
        _connections = connections;
    }

    /// <summary>Registers the kind; it sends through the connections of <paramref name="options"/>.</summary>
    public static void Register(NodeRegistry registry, BuiltInNodeOptions options) =>
        registry.Add(new NodeKind(NodeTypes.Output, "email", setup => Setup(setup, options.Connections))
        {
            SideEffect = "sends an e-mail",
            Label = "Email",
            Description = "Sends an e-mail (Markdown text) through a mail connection.",
            Config = new() { ["connection"] = "", ["to"] = "", ["subject"] = "", ["text"] = "" },
            Fields =
            [
                new("connection", "Connection", NodeFieldTypes.Connection) { ConnectionType = ConnectionTypes.Mail, Required = true, Hint = "The mail connection whose SMTP server sends it." },
                new("to", "To") { Required = true, Template = true, Hint = "Comma-separated addresses; a template, like {{ trigger.from }}." },
                new("cc", "Cc") { Template = true, Hint = "Comma-separated addresses; empty: none." },
                new("subject", "Subject") { Required = true, Template = true, Hint = "A template, like Re: {{ trigger.subject }}." },
                new("text", "Text", NodeFieldTypes.Textarea) { Required = true, Template = true, Hint = "Markdown (a template); sent as plain text and as HTML. Sent once per run." },
            ],
        });

    private static EmailOutputNode? Setup(NodeSetup setup, ConnectionRegistry? connections)
    {
        var connection = setup.Connection("connection", ConnectionTypes.Mail);
        var to = setup.Template("to", required: true);
        var cc = setup.Template("cc");
        var subject = setup.Template("subject", required: true);
        var text = setup.Template("text", required: true);
        foreach (var (field, template) in new[] { ("to", to), ("cc", cc) })
        {
            if (template is not { IsStatic: true }) continue;
            try
            {
                MailSender.Addresses(template.Source, field);
            }
            catch (FormatException ex)
            {
                setup.Problem(field, ex.Message[(field.Length + 2)..]);
            }
        }
        return setup.HasProblems ? null : new EmailOutputNode(connection!, to!, cc, subject!, text!, connections) { _path = setup.Path + "/config" };
    }

    /// <inheritdoc />
    public async ValueTask<NodeResult> RunAsync(NodeContext context, CancellationToken ct)
    {
        var registry = _connections ?? throw new NodeException("output/email cannot send here: this host has no connections set up.");
        var connection = registry.Use(_connection, ConnectionTypes.Mail, context);
        var path = _path;
        try
        {
            var server = MailServer.Of(connection);
            var to = MailSender.Addresses(await _to.RenderAsync(context.Scope), $"{path}/to");
            var cc = _cc is null ? [] : MailSender.Addresses(await _cc.RenderAsync(context.Scope), $"{path}/cc");
            if (to.Count == 0) throw new NodeException($"{path}/to rendered to no address; the message needs at least one recipient.");
            var subject = (await _subject.RenderAsync(context.Scope)).ReplaceLineEndings(" ");
            var text = await _text.RenderAsync(context.Scope);
            // Made once per run and node, and journaled before sending (docs/semantics.md, side effects).
            var messageId = $"{context.RunId}.{context.Node.Id}@chatflows";
            return NodeResult.Success(await MailSender.SendOnceAsync(context.Effects, null, messageId, server, to, cc, subject, text, ct));
        }
        catch (FormatException ex)
        {
            throw new NodeException(ex.Message, ex);
        }
        catch (InvalidOperationException ex)
        {
            throw new NodeException(ex.Message, ex);
        }
    }
}
