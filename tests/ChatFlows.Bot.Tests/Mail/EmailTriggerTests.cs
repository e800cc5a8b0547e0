using System.Net;
using System.Text;
using System.Text.Json;
using MimeKit;

namespace ChatFlows.Bot.Tests.Mail;

/// <summary>trigger/email on the real host: mail delivered through Postfix into Dovecot starts runs over IMAP IDLE.</summary>
[Collection(MailCollection.Name)]
public sealed class EmailTriggerTests(MailServers servers) : IAsyncLifetime
{
    private readonly string _inbox = MailServers.NewAddress("inbox");
    private HostFixture _host = null!;

    public async Task InitializeAsync()
    {
        var settings = servers.ConnectionSettings("in-mail", _inbox);
        settings["ChatFlows:Samples:Seed"] = "false";
        settings["ChatFlows:Connections:orders-db:Type"] = "database";
        settings["ChatFlows:Connections:orders-db:Workflows"] = "*";
        settings["ChatFlows:Connections:orders-db:Provider"] = "sqlite";
        _host = new HostFixture(settings);
        await _host.InitializeAsync();
    }

    public Task DisposeAsync() => _host.DisposeAsync();

    private async Task WatchAsync(string workflowId, string triggerConfig, string then = """{"id": "shape", "type": "tool", "config": {"tool": "transform", "value": "{{ trigger.subject }}"}}""")
    {
        await _host.CreateWorkflowAsync($$$"""
            {"id": "{{{workflowId}}}", "nodes": [
              {"id": "mail", "type": "trigger", "config": {"kind": "email", "connection": "in-mail"{{{triggerConfig}}}}},
              {{{then}}}],
             "edges": [{"from": "mail", "to": "shape"}]}
            """);
        await MailHostRuns.WaitForCursorAsync(_host.DatabasePath, "in-mail");
    }

    [Fact]
    public async Task EmailTrigger_MessageDelivered_StartsOneRunWithThePayload()
    {
        await WatchAsync("mail-in", "");
        var cc = MailServers.NewAddress("carol");
        var message = new MimeMessage { Subject = "Quarterly numbers", MessageId = "q3@example.org", Date = new DateTimeOffset(2026, 12, 1, 9, 30, 0, TimeSpan.Zero) };
        message.From.Add(new MailboxAddress("Alice Example", "alice@example.org"));
        message.To.Add(MailboxAddress.Parse(_inbox));
        message.Cc.Add(MailboxAddress.Parse(cc));
        var body = new BodyBuilder { TextBody = "Numbers attached.", HtmlBody = "<p>Numbers <b>attached</b>.</p>" };
        body.Attachments.Add("numbers.pdf", Encoding.ASCII.GetBytes("%PDF-1.4 q3\0"), new ContentType("application", "pdf"));
        message.Body = body.ToMessageBody();

        await servers.DeliverAsync(message);
        var first = await MailHostRuns.WaitForRunsAsync(_host.Client, "mail-in", 1);
        var run = await _host.WaitForRunAsync(first[0].GetProperty("id").GetString()!);
        // A second message starts a second run: had the first started two, there would be three now.
        await servers.DeliverAsync(MailServers.Message("bob@example.org", _inbox, "Second", "two"));
        var runs = await MailHostRuns.WaitForRunsAsync(_host.Client, "mail-in", 2);

        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        Assert.Equal("email", run.GetProperty("startedBy").GetString());
        var trigger = run.GetProperty("trigger");
        Assert.Equal("alice@example.org", trigger.GetProperty("from").GetString());
        Assert.Equal("Alice Example", trigger.GetProperty("fromName").GetString());
        Assert.Equal([_inbox], trigger.GetProperty("to").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal([cc], trigger.GetProperty("cc").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal("Quarterly numbers", trigger.GetProperty("subject").GetString());
        Assert.Equal("Numbers attached.", trigger.GetProperty("text").GetString()!.TrimEnd());
        Assert.Equal("<p>Numbers <b>attached</b>.</p>", trigger.GetProperty("html").GetString()!.TrimEnd());
        Assert.Equal("2026-12-01T09:30:00Z", trigger.GetProperty("date").GetString());
        Assert.Equal("q3@example.org", trigger.GetProperty("messageId").GetString());
        var attachment = Assert.Single(trigger.GetProperty("attachments").EnumerateArray());
        Assert.Equal("numbers.pdf", attachment.GetProperty("name").GetString());
        Assert.Equal("application/pdf", attachment.GetProperty("contentType").GetString());
        Assert.Equal(12, attachment.GetProperty("size").GetInt64());
        Assert.Equal("Quarterly numbers", run.GetProperty("data").GetProperty("shape").GetString());
        Assert.Equal(2, runs.Length);
        Assert.Equal("Second", (await MailHostRuns.TriggersAsync(_host.Client, runs))[1].GetProperty("subject").GetString());
    }

    [Fact]
    public async Task EmailTrigger_FromAndSubjectPatterns_StartRunsOnlyForMatchingMail()
    {
        await WatchAsync("mail-filtered", """, "from": "^boss@example\\.org$", "subject": "urgent" """);

        await servers.DeliverAsync(MailServers.Message("boss@example.org", _inbox, "Urgent: servers down", "fix"));
        await servers.DeliverAsync(MailServers.Message("boss@example.org", _inbox, "Lunch?", "no"));
        await servers.DeliverAsync(MailServers.Message("intern@example.org", _inbox, "urgent coffee", "no"));
        await servers.DeliverAsync(MailServers.Message("Boss@Example.org", _inbox, "URGENT too", "yes"));
        var runs = await MailHostRuns.WaitForRunsAsync(_host.Client, "mail-filtered", 2);
        // The mailbox holds all four, so the watcher has seen them all by the time the last one started its run.
        await servers.WaitForMessagesAsync(_inbox, 4);

        var subjects = (await MailHostRuns.TriggersAsync(_host.Client, runs)).Select(t => t.GetProperty("subject").GetString());
        // Postfix delivers each message on its own, so the mailbox may hold them in another order than they were sent.
        Assert.Equal(["URGENT too", "Urgent: servers down"], subjects.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task EmailTrigger_HtmlOnlyMessage_GivesTheHtmlAlsoAsText()
    {
        await WatchAsync("mail-html", "");
        var message = MailServers.Message("news@example.org", _inbox, "Newsletter", "");
        message.Body = new TextPart("html") { Text = "<html><head><style>p{}</style></head><body><h1>Hello</h1><p>Sales &amp; marketing</p></body></html>" };

        await servers.DeliverAsync(message);
        var runs = await MailHostRuns.WaitForRunsAsync(_host.Client, "mail-html", 1);

        var trigger = (await MailHostRuns.TriggersAsync(_host.Client, runs))[0];
        Assert.Equal("Hello\nSales & marketing", trigger.GetProperty("text").GetString());
        Assert.StartsWith("<html>", trigger.GetProperty("html").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmailTrigger_ReplyThroughOutputEmail_NeverShowsThePassword()
    {
        await WatchAsync("mail-reply", "", """
            {"id": "shape", "type": "output", "config": {"kind": "email", "connection": "in-mail", "to": "{{ trigger.from }}", "subject": "Re: {{ trigger.subject }}", "text": "Got it."}}
            """);
        var sender = MailServers.NewAddress("asker");

        await servers.DeliverAsync(MailServers.Message(sender, _inbox, "Question", "Can you help?"));
        var runs = await MailHostRuns.WaitForRunsAsync(_host.Client, "mail-reply", 1);
        var run = await _host.WaitForRunAsync(runs[0].GetProperty("id").GetString()!);

        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        var reply = Assert.Single(await servers.WaitForMessagesAsync(sender));
        Assert.Equal("Re: Question", reply.Subject);
        Assert.Equal(_inbox, reply.From.Mailboxes.Single().Address);
        Assert.DoesNotContain(MailServers.Password, run.GetRawText(), StringComparison.Ordinal);
        using var workflow = await _host.Client.GetAsync("/api/workflows/mail-reply");
        Assert.DoesNotContain(MailServers.Password, await workflow.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var connections = await _host.Client.GetAsync("/api/connections");
        Assert.DoesNotContain(MailServers.Password, await connections.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_EmailNodesWithBadFields_AnswersBadRequestNamingEachField()
    {
        const string Document = """
            {"id": "mail-invalid", "nodes": [
              {"id": "in", "type": "trigger", "config": {"kind": "email", "connection": "no-such-mail", "subject": "([a-z]"}},
              {"id": "in2", "type": "trigger", "config": {"kind": "email", "connection": "in-mail", "from": "*@x"}},
              {"id": "out", "type": "output", "config": {"kind": "email", "connection": "orders-db", "to": "not an address", "subject": "s", "text": "t"}}],
             "edges": [{"from": "in", "to": "out"}, {"from": "in2", "to": "out"}]}
            """;

        using var response = await _host.SendAsync(HttpMethod.Post, "/api/workflows", Document);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await HostFixture.ReadProblemAsync(response)).GetProperty("errors").EnumerateObject()
            .ToDictionary(e => e.Name, e => e.Value.EnumerateArray().Select(m => m.GetString()).Single());
        Assert.Equal(
            "There is no connection 'no-such-mail'; add a mail connection of that name in the dashboard (Connections) or under ChatFlows:Connections:no-such-mail.",
            errors["nodes/in/config/connection"]);
        Assert.StartsWith("'([a-z]' is not a valid regular expression: ", errors["nodes/in/config/subject"], StringComparison.Ordinal);
        Assert.StartsWith("'*@x' is not a valid regular expression: ", errors["nodes/in2/config/from"], StringComparison.Ordinal);
        Assert.Equal("Connection 'orders-db' is a database connection; this field needs a mail connection.", errors["nodes/out/config/connection"]);
        Assert.Equal("'not an address' is not a list of e-mail addresses (write them like a@example.com, B <b@example.com>).", errors["nodes/out/config/to"]);
        Assert.Equal(5, errors.Count);
    }
}
