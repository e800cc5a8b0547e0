using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ChatFlows.Bot.Tests.Teams;

/// <summary>
/// Teams end to end: Bot Framework activities with signed tokens into the real host, everything it says going to a
/// fake Connector on loopback that records each call and the token it carried.
/// </summary>
public sealed partial class TeamsEndToEndTests : IAsyncLifetime
{
    private const string ShipWorkflow = """
        {"id": "ship", "name": "Ship", "version": 1, "nodes": [
          {"id": "cmd", "type": "trigger", "config": {"kind": "command", "command": "ship"}},
          {"id": "check", "type": "tool", "config": {"tool": "transform", "value": "{{ trigger.args.service | default: 'api' }} is healthy"}},
          {"id": "ask", "type": "approval", "config": {"prompt": "Ship {{ trigger.args.service }}?", "approvers": ["APPROVER"]}},
          {"id": "shipped", "type": "output", "config": {"kind": "message", "text": "Shipped by {{ data.ask.by }}."}},
          {"id": "held", "type": "output", "config": {"kind": "end", "value": "held"}}
        ], "edges": [
          {"from": "cmd", "to": "check"}, {"from": "check", "to": "ask"},
          {"from": "ask", "port": "approved", "to": "shipped"}, {"from": "ask", "port": "rejected", "to": "held"}
        ]}
        """;

    private TeamsHost _host = null!;

    public async Task InitializeAsync() => _host = await TeamsHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Mention_RunWithApproval_CardPostedAndUpdatedAndApprovedByInvoke()
    {
        await _host.CreateWorkflowAsync(ShipWorkflow.Replace("APPROVER", $"teams:{TeamsUser.Approver.AadObjectId}", StringComparison.Ordinal));
        var connector = _host.Connector;
        connector.AddMember(TeamsUser.Approver.Id, TeamsUser.Approver.AadObjectId, "ada@contoso.com");
        connector.AddMember(TeamsUser.Developer.Id, TeamsUser.Developer.AadObjectId, "dev@contoso.com");
        var channel = Conversation.Channel;

        using var added = await _host.PostActivityAsync(_host.ConversationUpdate(channel));
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        var welcome = await connector.WaitForAsync(c => c.Kind == "send" && c.ConversationId == channel.Id);
        Assert.Contains($"teams:{channel.Id}", welcome.Text, StringComparison.Ordinal);

        var message = _host.Message("run ship service=api", TeamsUser.Developer, channel);
        using var accepted = await _host.PostActivityAsync(message);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        var messageId = Id(message);
        var thread = $"{channel.Id};messageid={messageId}";

        // The answer is a reply to the message, in its thread; the progress card goes to that thread too.
        var answer = await connector.WaitForAsync(c => c.Kind == "reply" && c.ActivityId == messageId);
        Assert.Equal(thread, answer.ConversationId);
        Assert.Contains("Started **Ship**", answer.Text, StringComparison.Ordinal);
        var runId = RunId().Match(answer.Text!).Groups[1].Value;
        var progress = await connector.WaitForAsync(c => c.Kind == "send" && c.ConversationId == thread && c.CardJson.Contains("\"Ship\"", StringComparison.Ordinal));
        Assert.Equal("application/vnd.microsoft.card.adaptive", progress.Body.GetProperty("attachments")[0].GetProperty("contentType").GetString());
        var approval = await connector.WaitForAsync(c => c.Kind == "send" && c.ConversationId == thread && c.CardJson.Contains("Approval needed", StringComparison.Ordinal));
        // Refreshed automatically for the approver, whose view (with the buttons) comes from the invoke below; the
        // renderer keeps the refresh only with its action's type.
        var refresh = approval.Card.GetProperty("refresh");
        Assert.Equal("Action.Execute", refresh.GetProperty("action").GetProperty("type").GetString());
        Assert.Equal("refresh", refresh.GetProperty("action").GetProperty("verb").GetString());
        Assert.Equal([TeamsUser.Approver.Id], refresh.GetProperty("userIds").EnumerateArray().Select(u => u.GetString()));
        Assert.Contains(connector.CallsOf("members"), c => c.ConversationId == channel.Id);
        await connector.WaitForAsync(c => c.Kind == "update" && c.ActivityId == progress.ActivityId && c.Fallback.Contains("waiting", StringComparison.Ordinal));
        var data = new { runId, nodeId = "ask" };

        // A refresh shows the approver the buttons and everyone else the status.
        var forApprover = await InvokeAsync("refresh", data, TeamsUser.Approver, approval.ActivityId!);
        Assert.Contains("Action.Execute", forApprover.GetRawText(), StringComparison.Ordinal);
        Assert.Equal("Action.Execute", forApprover.GetProperty("refresh").GetProperty("action").GetProperty("type").GetString());
        Assert.Equal([TeamsUser.Approver.Id], forApprover.GetProperty("refresh").GetProperty("userIds").EnumerateArray().Select(u => u.GetString()));
        var forOthers = await InvokeAsync("refresh", data, TeamsUser.Developer, approval.ActivityId!);
        Assert.DoesNotContain("Action.Execute\",\"title\":\"Approve", forOthers.GetRawText(), StringComparison.Ordinal);
        Assert.False(forOthers.TryGetProperty("actions", out _));
        Assert.Contains("Waiting for a decision by", forOthers.GetRawText(), StringComparison.Ordinal);

        // A person who may not decide sees why, and nothing changes.
        var refused = await InvokeAsync("approve", data, TeamsUser.Developer, approval.ActivityId!);
        Assert.Contains($"Only teams:{TeamsUser.Approver.AadObjectId} may decide this", refused.GetRawText(), StringComparison.Ordinal);
        Assert.Equal("waiting", (await _host.RunAsync(runId)).GetProperty("status").GetString());
        Assert.DoesNotContain(connector.CallsOf("update"), c => c.ActivityId == approval.ActivityId);
        // The card was posted, refreshed twice and clicked once: the members were read once and reused.
        Assert.Single(connector.CallsOf("members"), c => c.ConversationId == channel.Id);

        var approved = await InvokeAsync("approve", new { runId, nodeId = "ask", comment = "go" }, TeamsUser.Approver, approval.ActivityId!);
        Assert.Contains($"Approved by teams:{TeamsUser.Approver.AadObjectId}", approved.GetRawText(), StringComparison.Ordinal);
        Assert.False(approved.TryGetProperty("actions", out _));
        Assert.False(approved.TryGetProperty("refresh", out _));

        await connector.WaitForAsync(c => c.Kind == "update" && c.ActivityId == approval.ActivityId && c.CardJson.Contains("Approved by", StringComparison.Ordinal));
        await connector.WaitForAsync(c => c.Kind == "send" && c.ConversationId == thread && c.Text == $"Shipped by teams:{TeamsUser.Approver.AadObjectId}.");
        await connector.WaitForAsync(c => c.Kind == "update" && c.ActivityId == progress.ActivityId && c.Fallback.StartsWith("Ship: ✅ succeeded", StringComparison.Ordinal));
        Assert.Equal("succeeded", (await _host.RunAsync(runId)).GetProperty("status").GetString());

        // Every call carried the bot's token, fetched once and then taken from the cache.
        Assert.All(connector.Calls, c => Assert.Equal("Bearer bot-token-1", c.Authorization));
        var token = Assert.Single(_host.Identity.TokenRequests);
        Assert.Equal("botframework.com", token.Tenant);
        Assert.Equal("client_credentials", token.Form["grant_type"]);
        Assert.Equal("https://api.botframework.com/.default", token.Form["scope"]);
        connector.AssertActivitiesAddressed(TeamsHost.BotId);
    }

    [Fact]
    public async Task Invoke_ApproverListedByUpn_IsLookedUpAndMayDecide()
    {
        await _host.CreateWorkflowAsync(ShipWorkflow.Replace("APPROVER", "teams:ada@contoso.com", StringComparison.Ordinal));
        _host.Connector.AddMember(TeamsUser.Approver.Id, TeamsUser.Approver.AadObjectId, "Ada@Contoso.com");
        var chat = Conversation.GroupChat;

        var message = _host.Message("run ship service=web", TeamsUser.Developer, chat);
        using var accepted = await _host.PostActivityAsync(message);
        var answer = await _host.Connector.WaitForAsync(c => c.Kind == "reply" && c.ActivityId == Id(message));
        var runId = RunId().Match(answer.Text!).Groups[1].Value;
        // A group chat has no threads: the cards go to the chat itself.
        var approval = await _host.Connector.WaitForAsync(c => c.Kind == "send" && c.ConversationId == chat.Id && c.CardJson.Contains("Approval needed", StringComparison.Ordinal));

        var approved = await InvokeAsync("approve", new { runId, nodeId = "ask" }, TeamsUser.Approver, approval.ActivityId!, chat);

        Assert.Contains("Approved by teams:Ada@Contoso.com", approved.GetRawText(), StringComparison.Ordinal);
        await _host.Connector.WaitForAsync(c => c.Kind == "send" && c.Text == "Shipped by teams:Ada@Contoso.com.");
        // The approver named by UPN is found among the chat's members by their Teams id.
        Assert.Equal([TeamsUser.Approver.Id], approval.Card.GetProperty("refresh").GetProperty("userIds").EnumerateArray().Select(u => u.GetString()));
        _host.Connector.AssertActivitiesAddressed(TeamsHost.BotId);
    }

    [Fact]
    public async Task Invoke_ApproverListedByEmail_IsMatchedWithTheMemberLookupsAddress()
    {
        await _host.CreateWorkflowAsync(ShipWorkflow.Replace("APPROVER", "email:ada.lovelace@contoso.com", StringComparison.Ordinal));
        _host.Connector.AddMember(TeamsUser.Approver.Id, TeamsUser.Approver.AadObjectId, "ada@contoso.com", email: "Ada.Lovelace@contoso.com");
        var chat = Conversation.GroupChat;
        var message = _host.Message("run ship service=db", TeamsUser.Developer, chat);
        using var accepted = await _host.PostActivityAsync(message);
        var answer = await _host.Connector.WaitForAsync(c => c.Kind == "reply" && c.ActivityId == Id(message));
        var runId = RunId().Match(answer.Text!).Groups[1].Value;
        var approval = await _host.Connector.WaitForAsync(c => c.Kind == "send" && c.ConversationId == chat.Id && c.CardJson.Contains("Approval needed", StringComparison.Ordinal));

        var refused = await InvokeAsync("approve", new { runId, nodeId = "ask" }, TeamsUser.Developer, approval.ActivityId!, chat);
        var approved = await InvokeAsync("approve", new { runId, nodeId = "ask" }, TeamsUser.Approver, approval.ActivityId!, chat);

        Assert.Contains("Only email:ada.lovelace@contoso.com may decide this", refused.GetRawText(), StringComparison.Ordinal);
        Assert.Contains($"Approved by teams:{TeamsUser.Approver.AadObjectId}", approved.GetRawText(), StringComparison.Ordinal);
        await _host.Connector.WaitForAsync(c => c.Kind == "send" && c.Text == $"Shipped by teams:{TeamsUser.Approver.AadObjectId}.");
        Assert.Contains(_host.Connector.CallsOf("member"), c => c.ActivityId == TeamsUser.Approver.Id);
        Assert.Equal([TeamsUser.Approver.Id], approval.Card.GetProperty("refresh").GetProperty("userIds").EnumerateArray().Select(u => u.GetString()));
    }

    [Fact]
    public async Task Submit_RejectFromAClientWithoutActionExecute_DecidesTheSameWay()
    {
        await _host.CreateWorkflowAsync(ShipWorkflow.Replace("APPROVER", $"teams:{TeamsUser.Approver.AadObjectId}", StringComparison.Ordinal));
        var chat = Conversation.Personal;
        var message = _host.Message("run ship", TeamsUser.Approver, chat, mention: false);
        using var accepted = await _host.PostActivityAsync(message);
        var answer = await _host.Connector.WaitForAsync(c => c.Kind == "reply" && c.ActivityId == Id(message));
        var runId = RunId().Match(answer.Text!).Groups[1].Value;
        var approval = await _host.Connector.WaitForAsync(c => c.Kind == "send" && c.CardJson.Contains("Approval needed", StringComparison.Ordinal));

        var stranger = _host.Message("", TeamsUser.Developer, chat, mention: false, value: new { verb = "approve", runId, nodeId = "ask" }, replyToId: approval.ActivityId);
        using var refused = await _host.PostActivityAsync(stranger);
        var told = await _host.Connector.WaitForAsync(c => c.Kind == "reply" && c.ActivityId == approval.ActivityId);
        Assert.Contains("may decide this; nothing changed", told.Text, StringComparison.Ordinal);

        var click = _host.Message("", TeamsUser.Approver, chat, mention: false, value: new { verb = "reject", runId, nodeId = "ask", comment = "not today" }, replyToId: approval.ActivityId);
        using var submitted = await _host.PostActivityAsync(click);

        await _host.Connector.WaitForAsync(c => c.Kind == "update" && c.ActivityId == approval.ActivityId && c.CardJson.Contains("Rejected by", StringComparison.Ordinal));
        await _host.Connector.WaitForAsync(c => c.Kind == "update" && c.Fallback.StartsWith("Ship: ✅ succeeded", StringComparison.Ordinal));
        var run = await _host.RunAsync(runId);
        Assert.Equal("rejected", run.GetProperty("data").GetProperty("ask").GetProperty("decision").GetString());
        _host.Connector.AssertActivitiesAddressed(TeamsHost.BotId);
    }

    [Fact]
    public async Task Mention_UnknownWordsWithoutTriggers_AnswersWithHelp_AndA429IsWaitedOut()
    {
        _host.Connector.RateLimitNext(1, retryAfterSeconds: 1);
        var message = _host.Message("what can you do?", TeamsUser.Developer, Conversation.Channel);

        using var accepted = await _host.PostActivityAsync(message);

        var reply = await _host.Connector.WaitForAsync(c => c.Kind == "reply" && c.Status == 200);
        Assert.Contains("I did not understand “what can you do?”", reply.Text, StringComparison.Ordinal);
        Assert.Contains("**ChatFlows commands**", reply.Text, StringComparison.Ordinal);
        Assert.Equal(429, _host.Connector.Calls[0].Status);
        _host.Connector.AssertActivitiesAddressed(TeamsHost.BotId);
    }

    [Fact]
    public async Task Invoke_WithoutValueAction_IsHttp200WithTheDocumentedBadRequestError()
    {
        var invoke = (Dictionary<string, object?>)_host.Invoke("approve", new { runId = "r", nodeId = "ask" }, TeamsUser.Approver, Conversation.Channel, "1");
        invoke["value"] = new { trigger = "manual" };

        var error = await InvokeErrorAsync(invoke);

        Assert.Equal(400, error.StatusCode);
        Assert.Equal("BadRequest", error.Code);
        Assert.Contains("'value.action' is missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_UnknownVerb_IsHttp200WithNotSupportedError()
    {
        var error = await InvokeErrorAsync(_host.Invoke("delete", new { runId = "r", nodeId = "ask" }, TeamsUser.Approver, Conversation.Channel, "1"));

        Assert.Equal(400, error.StatusCode);
        Assert.Equal("NotSupported", error.Code);
        Assert.Contains("The verb 'delete' in 'value.action.verb' is not supported", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_UnknownRun_IsBadRequestNot404()
    {
        var approve = await InvokeErrorAsync(_host.Invoke("approve", new { runId = "no-such-run", nodeId = "ask" }, TeamsUser.Approver, Conversation.Channel, "1"));
        var refresh = await InvokeErrorAsync(_host.Invoke("refresh", new { runId = "no-such-run", nodeId = "ask" }, TeamsUser.Approver, Conversation.Channel, "1"));

        Assert.Equal((400, "BadRequest"), (approve.StatusCode, approve.Code));
        Assert.Contains("no-such-run", approve.Message, StringComparison.Ordinal);
        Assert.Equal((400, "BadRequest"), (refresh.StatusCode, refresh.Code));
        Assert.Contains("There is no approval ask in run no-such-run", refresh.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_LackingItsSender_IsHttp200WithBadRequestNamingTheField()
    {
        var invoke = (Dictionary<string, object?>)_host.Invoke("approve", new { runId = "r", nodeId = "ask" }, TeamsUser.Approver, Conversation.Channel, "1");
        invoke.Remove("from");

        var error = await InvokeErrorAsync(invoke);

        Assert.Equal((400, "BadRequest"), (error.StatusCode, error.Code));
        Assert.Contains("'from.id' is missing", error.Message, StringComparison.Ordinal);
        Assert.Empty(_host.Connector.Calls);
    }

    [Fact]
    public async Task Activity_LackingItsConversation_Is400NamingTheField()
    {
        var activity = new { type = "message", id = "1", serviceUrl = _host.Connector.ServiceUrl, channelId = "msteams", from = new { id = "29:x" }, recipient = new { id = TeamsHost.BotId }, text = "hi" };

        using var response = await _host.PostActivityAsync(activity);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonElement.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("conversation.id", problem.GetProperty("field").GetString());
        Assert.Empty(_host.Connector.Calls);
    }

    private async Task<JsonElement> InvokeAsync(string verb, object data, TeamsUser user, string cardId, Conversation? conversation = null)
    {
        using var response = await _host.PostActivityAsync(_host.Invoke(verb, data, user, conversation ?? Conversation.Channel, cardId));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        var body = JsonElement.Parse(text);
        Assert.Equal(200, body.GetProperty("statusCode").GetInt32());
        Assert.Equal("application/vnd.microsoft.card.adaptive", body.GetProperty("type").GetString());
        return body.GetProperty("value");
    }

    // Posts an invoke expecting HTTP 200 with an error body of the Universal Action Model.
    private async Task<(int StatusCode, string? Code, string Message)> InvokeErrorAsync(object invoke)
    {
        using var response = await _host.PostActivityAsync(invoke);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonElement.Parse(text);
        Assert.Equal("application/vnd.microsoft.error", body.GetProperty("type").GetString());
        var value = body.GetProperty("value");
        return (body.GetProperty("statusCode").GetInt32(), value.GetProperty("code").GetString(), value.GetProperty("message").GetString()!);
    }

    private static string Id(object activity) => (string)((Dictionary<string, object?>)activity)["id"]!;

    [GeneratedRegex("run `([0-9a-f]+)`")]
    private static partial Regex RunId();
}
