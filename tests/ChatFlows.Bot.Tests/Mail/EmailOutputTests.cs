using System.Text.Json;
using ChatFlows.Core.Connections;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;
using MimeKit;

namespace ChatFlows.Bot.Tests.Mail;

/// <summary>output/email sends through real Postfix into real Dovecot mailboxes, read back over IMAP.</summary>
[Collection(MailCollection.Name)]
public sealed class EmailOutputTests(MailServers servers)
{
    private readonly InMemoryRunStore _journal = new();
    private readonly string _sender = MailServers.NewAddress("bot");

    private WorkflowEngine Engine()
    {
        var settings = servers.ConnectionSettings("out-mail", _sender);
        var connection = new Connection(
            "out-mail", ConnectionTypes.Mail, ["*"],
            settings.Where(p => !p.Key.EndsWith(":Type", StringComparison.Ordinal) && !p.Key.EndsWith(":Workflows", StringComparison.Ordinal))
                .ToDictionary(p => p.Key.Split(':')[^1], p => p.Value, StringComparer.OrdinalIgnoreCase),
            ConnectionRegistry.ConfiguredSource);
        return new WorkflowEngine(NodeRegistry.CreateDefault(new BuiltInNodeOptions { Connections = new ConnectionRegistry([connection]) }), _journal, TimeProvider.System);
    }

    private static WorkflowDocument Workflow(string emailConfig) => WorkflowJson.Parse("""
        {
          "id": "mailer", "version": 1,
          "nodes": [
            {"id": "play", "type": "trigger", "config": {"kind": "manual"}},
            {"id": "mail", "type": "output", "config": {"kind": "email", "connection": "out-mail", __CONFIG__}}
          ],
          "edges": [{"from": "play", "to": "mail"}]
        }
        """.Replace("__CONFIG__", emailConfig, StringComparison.Ordinal));

    private static RunRequest Request(object trigger, string? runId = null) => new() { Trigger = JsonSerializer.SerializeToElement(trigger), RunId = runId };

    [Fact]
    public async Task OutputEmail_Run_DeliversMarkdownAsTextAndHtmlWithSubjectAndCc()
    {
        var to = MailServers.NewAddress("alice");
        var cc = MailServers.NewAddress("carol");
        var engine = Engine();
        var plan = engine.Compile(Workflow("""
            "to": "{{ trigger.to }}", "cc": "{{ trigger.cc }}", "subject": "Deploy of {{ trigger.service }}",
            "text": "**{{ trigger.service }}** is live.\n\n- checks passed"
            """));

        var run = await engine.StartAsync(plan, Request(new { to, cc, service = "api" }));

        Assert.True(run.Status == RunStatus.Succeeded, run.Error?.Message);
        var message = Assert.Single(await servers.WaitForMessagesAsync(to));
        Assert.Equal("Deploy of api", message.Subject);
        Assert.Equal(_sender, message.From.Mailboxes.Single().Address);
        Assert.Equal(cc, message.Cc.Mailboxes.Single().Address);
        Assert.Equal("**api** is live.\n\n- checks passed", message.TextBody!.ReplaceLineEndings("\n").TrimEnd());
        Assert.Contains("<strong>api</strong> is live.", message.HtmlBody!, StringComparison.Ordinal);
        Assert.Contains("<li>checks passed</li>", message.HtmlBody, StringComparison.Ordinal);
        Assert.Single(await servers.WaitForMessagesAsync(cc));
        var output = run.Node("mail").Output!.Value;
        Assert.Equal(message.MessageId, output.GetProperty("messageId").GetString());
        Assert.Equal($"{run.Id}.mail@chatflows", message.MessageId);
        Assert.Equal(to, output.GetProperty("to")[0].GetString());
        Assert.Equal(cc, output.GetProperty("cc")[0].GetString());
    }

    [Fact]
    public async Task OutputEmail_ExecutedAgainAfterSending_DoesNotSendTwice()
    {
        var to = MailServers.NewAddress("dave");
        var engine = Engine();
        var plan = engine.Compile(Workflow(""" "to": "{{ trigger.to }}", "subject": "Once", "text": "only once" """));
        var run = await engine.StartAsync(plan, Request(new { to }));
        await servers.WaitForMessagesAsync(to);

        // As a run continued from a journal whose last write (the node's finish) was lost.
        run.Node("mail").Status = NodeStatus.Running;
        run.Status = RunStatus.Running;
        run = await engine.ContinueAsync(run);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(2, run.Node("mail").Attempts);
        // A second message would have been delivered by now had it been sent: the first took this long.
        await servers.DeliverAsync(MailServers.Message("marker@example.org", to, "marker", "after"));
        var inbox = await servers.WaitForMessagesAsync(to, 2);
        Assert.Equal(["Once", "marker"], inbox.Select(m => m.Subject));
    }

    [Fact]
    public async Task OutputEmail_OnlyTheMessageIdWasJournaled_SendsWithThatMessageId()
    {
        var to = MailServers.NewAddress("erin");
        var engine = Engine();
        var plan = engine.Compile(Workflow(""" "to": "{{ trigger.to }}", "subject": "Retry", "text": "again" """));
        // A crash after the Message-ID was journaled, before (or while) the message was sent.
        await _journal.RecordEffectAsync("run-crashed", "mail", "message-id", JsonSerializer.SerializeToElement("first-try.mail@chatflows"), CancellationToken.None);

        var run = await engine.StartAsync(plan, Request(new { to }, runId: "run-crashed"));

        Assert.True(run.Status == RunStatus.Succeeded, run.Error?.Message);
        var message = Assert.Single(await servers.WaitForMessagesAsync(to));
        Assert.Equal("first-try.mail@chatflows", message.MessageId);
        Assert.NotNull(await _journal.FindEffectAsync("run-crashed", "mail", "sent", CancellationToken.None));
    }

    [Fact]
    public async Task OutputEmail_RecipientRefused_FailsNamingTheServerAndTheRecipient()
    {
        var engine = Engine();
        var plan = engine.Compile(Workflow(""" "to": "someone@elsewhere.example", "subject": "Nope", "text": "refused" """));

        var run = await engine.StartAsync(plan, Request(new { }));

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.StartsWith($"The SMTP server 127.0.0.1:{servers.SmtpPort} rejected the recipient someone@elsewhere.example: 554", run.Error!.Message, StringComparison.Ordinal);
        Assert.Contains("Relay access denied", run.Error!.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(MailServers.Password, JsonSerializer.Serialize(run.Node("mail")), StringComparison.Ordinal);
        Assert.Null(await _journal.FindEffectAsync(run.Id, "mail", "sent", CancellationToken.None));
    }

    [Fact]
    public async Task OutputEmail_ToRendersToNoAddress_FailsSayingSo()
    {
        var engine = Engine();
        var plan = engine.Compile(Workflow(""" "to": "{{ trigger.to }}", "subject": "x", "text": "y" """));

        var run = await engine.StartAsync(plan, Request(new { to = "not an address" }));

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal("nodes/mail/config/to: 'not an address' is not a list of e-mail addresses (write them like a@example.com, B <b@example.com>).", run.Error!.Message);
    }
}
