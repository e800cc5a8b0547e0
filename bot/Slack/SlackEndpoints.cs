using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ChatFlows.Bot.Chat;
using ChatFlows.Canvas.Api;
using ChatFlows.Core.Messaging;
using ChatFlows.Core.Running;
using ChatFlows.Core.Workspaces;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;

namespace ChatFlows.Bot.Slack;

/// <summary>
/// Slack's requests to the host (README §HTTP API): the <c>/run</c> slash command, the Events API and interactivity. Every
/// request is verified by <see cref="SlackSignatureFilter"/> and answered at once (Slack waits 3 seconds); what takes
/// longer goes on in the background and answers through Slack's Web API or the request's <c>response_url</c>.
/// </summary>
public static partial class SlackEndpoints
{
    /// <summary>The most of a typed command the "working on it" acknowledgement quotes.</summary>
    public const int MaxEchoedCommand = 500;

    /// <summary>Maps <c>POST /slack/commands</c>, <c>/slack/events</c> and <c>/slack/interactions</c>.</summary>
    public static IEndpointRouteBuilder MapSlackEndpoints(this IEndpointRouteBuilder app)
    {
        var slack = app.MapGroup("/slack").AddEndpointFilter<SlackSignatureFilter>().RequireRole(Role.None);
        slack.MapPost("/commands", HandleCommand);
        slack.MapPost("/events", HandleEventAsync);
        slack.MapPost("/interactions", HandleInteraction);
        return app;
    }

    // A slash command: acknowledged with a private "working on it", then carried out; its answer replaces the ack.
    private static Results<Ok<SlackReply>, ProblemHttpResult> HandleCommand(
        HttpContext http, ChatCommands commands, SlackApi api, SlackApprovalToken tokens, ChatBackgroundWork work)
    {
        var form = Form(http);
        if (Missing(form, "user_id", "channel_id", "response_url") is { } missing) return missing;
        var user = $"slack:{form["user_id"]}";
        var channel = $"slack:{form["channel_id"]}";
        // Slack escapes &, < and > in a command's text as in any text it sends (docs.slack.dev, "Formatting text for app
        // surfaces", Escaping text); the commands see what the person typed, and every answer escapes it once again.
        var text = form.TryGetValue("text", out var typed) ? SlackText.Unescape(typed.ToString()) : "";
        var responseUrl = form["response_url"].ToString();
        work.Run($"Slack: /run {text} from {user} in {channel}", async ct =>
        {
            ChatReply answer;
            try
            {
                answer = await commands.HandleAsync(new ChatCommandContext(user, channel), text, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Most often the bot is not in the channel: Slack's reason says so.
                answer = new ChatReply($"`/run {text}` could not be carried out: {e.Message}");
                await api.RespondAsync(responseUrl, Answer(answer), ephemeral: true, replaceOriginal: true, ct);
                throw;
            }
            // The answer replaces the "working on it" acknowledgement, privately.
            await api.RespondAsync(responseUrl, WithApprovals(Answer(answer), answer, tokens), ephemeral: true, replaceOriginal: true, ct);
        });
        var typedCommand = text.Length == 0 ? "/run" : $"/run {text}";
        return TypedResults.Ok(new SlackReply("ephemeral", $"Working on `{SlackText.Escape(SlackText.Truncate(typedCommand, MaxEchoedCommand))}`…"));
    }

    // A command's answer as Slack's text: escaped once, and within Slack's 4,000 characters with a pointer to where
    // all of it is (a long `/run list` or `/run status` is cut at a line's end).
    private static SlackMessage Answer(ChatReply reply) =>
        new(SlackText.Fit(SlackText.Escape(reply.Text), reply.RunId is { } runId
            ? $"_Cut to Slack's 4,000 characters: run `{SlackText.Escape(runId)}`'s page in ChatFlows shows all of it._"
            : "_Cut to Slack's 4,000 characters: the ChatFlows dashboard shows all of it._"));

    // "/run approvals": the answer's text, then each approval as its card's blocks, so its Approve and Reject buttons
    // (the approval card's action ids and sealed values) decide through the same click handler.
    private static SlackMessage WithApprovals(SlackMessage message, ChatReply reply, SlackApprovalToken tokens)
    {
        if (reply.Approvals.Count == 0) return message;
        var blocks = new List<JsonObject> { SlackBlock.Section(SlackText.Truncate(message.Text, SlackText.MaxBlockText)) };
        foreach (var view in reply.Approvals)
        {
            blocks.Add(SlackBlock.Divider());
            if (SlackApprovalBlocks.Render(view, tokens).Blocks is { ValueKind: JsonValueKind.Array } rendered)
                blocks.AddRange(rendered.EnumerateArray().Select(b => JsonNode.Parse(b.GetRawText())!.AsObject()));
        }
        return message with { Blocks = SlackBlock.ToJson(blocks) };
    }

    private static async Task<IResult> HandleEventAsync(
        HttpContext http, SlackEventLog events, MessageTriggers triggers, ChatBackgroundWork work, CancellationToken ct)
    {
        JsonElement payload;
        try
        {
            payload = JsonElement.Parse(SlackSignatureFilter.BodyOf(http));
        }
        catch (JsonException e)
        {
            return TypedResults.Problem(title: "The event is not JSON.", detail: e.Message, statusCode: StatusCodes.Status400BadRequest);
        }
        switch (Text(payload, "type"))
        {
            case "url_verification":
                return TypedResults.Ok(new { challenge = Text(payload, "challenge") });
            case "event_callback" when Text(payload, "event_id") is { } eventId && payload.TryGetProperty("event", out var slackEvent):
                // Slack retries a delivery it thinks was missed; only the first starts anything.
                if (!await events.FirstTimeAsync(eventId, ct)) return TypedResults.Ok();
                if (IncomingMessage(slackEvent) is { } message) work.Run($"Slack: message triggers for event {eventId}", c => triggers.StartAsync(message, c));
                return TypedResults.Ok();
            default:
                return TypedResults.Ok();
        }
    }

    // A click on Approve or Reject: answered at once; the decision goes through the one approval rule, and a refusal
    // is told privately to the person who clicked. When the approval requires a comment for the click, a modal asks for
    // it (views.open with the click's trigger_id), and its submission decides (see HandleCommentSubmissionAsync).
    private static async Task<Results<Ok, Ok<SlackViewErrors>, ProblemHttpResult>> HandleInteraction(
        HttpContext http, SlackApprovalToken tokens, ChatApprovals approvals, ApprovalViews views, SlackApi api, ChatBackgroundWork work, CancellationToken ct)
    {
        var form = Form(http);
        if (Missing(form, "payload") is { } missing) return missing;
        JsonElement payload;
        try
        {
            payload = JsonElement.Parse(form["payload"].ToString());
        }
        catch (JsonException e)
        {
            return TypedResults.Problem(title: "The interaction payload is not JSON.", detail: e.Message, statusCode: StatusCodes.Status400BadRequest);
        }
        if (Text(payload, "type") == "view_submission") return await HandleCommentSubmissionAsync(payload, tokens, approvals, ct);
        if (Text(payload, "type") != "block_actions" || !payload.TryGetProperty("actions", out var actions) || actions.GetArrayLength() == 0) return TypedResults.Ok();
        var action = actions[0];
        var approve = Text(action, "action_id") switch { SlackApprovalBlocks.ApproveActionId => true, SlackApprovalBlocks.RejectActionId => false, _ => (bool?)null };
        if (approve is null) return TypedResults.Ok();
        var userId = payload.TryGetProperty("user", out var user) ? Text(user, "id") : null;
        var responseUrl = Text(payload, "response_url");
        if (userId is null || responseUrl is null) return TypedResults.Problem(title: "The interaction names no user or response_url.", statusCode: StatusCodes.Status400BadRequest);
        var triggerId = Text(payload, "trigger_id");

        work.Run($"Slack: approval click by slack:{userId}", async ct =>
        {
            if (!tokens.TryRead(Text(action, "value"), out var runId, out var nodeId))
            {
                await api.RespondAsync(responseUrl, new SlackMessage("This button was not made by this ChatFlows host (or was altered); nothing changed."), ephemeral: true, replaceOriginal: false, ct);
                return;
            }
            // Buttons carry no input: a click that needs a comment asks for it first, and decides nothing yet.
            if (triggerId is not null && await views.ForAsync(runId, nodeId, ct) is { IsOpen: true } open && open.NeedsComment(approve.Value))
            {
                await api.OpenViewAsync(triggerId, SlackCommentModal.Render(open, approve.Value, tokens), ct);
                return;
            }
            var outcome = await approvals.DecideAsync($"slack:{userId}", runId, nodeId, approve.Value, comment: null, draft: null, ct);
            if (outcome.Decision.Outcome == ApprovalOutcome.CommentRequired && triggerId is not null && outcome.View is { IsOpen: true } asked)
            {
                await api.OpenViewAsync(triggerId, SlackCommentModal.Render(asked, approve.Value, tokens), ct);
                return;
            }
            // Only the person who clicked sees why nothing changed; the approval message stays as it is.
            if (!outcome.Decision.Accepted) await api.RespondAsync(responseUrl, new SlackMessage(SlackText.Escape(outcome.Decision.Message)), ephemeral: true, replaceOriginal: false, ct);
        });
        return TypedResults.Ok();
    }

    // The comment modal submitted: decides with the comment at once (Slack waits 3 seconds for the answer). An empty
    // comment or a refusal keeps the modal open with the reason under the field; an empty answer closes it.
    private static async Task<Results<Ok, Ok<SlackViewErrors>, ProblemHttpResult>> HandleCommentSubmissionAsync(
        JsonElement payload, SlackApprovalToken tokens, ChatApprovals approvals, CancellationToken ct)
    {
        if (!payload.TryGetProperty("view", out var view) || view.ValueKind != JsonValueKind.Object) return TypedResults.Ok();
        if (SlackCommentModal.DecisionOf(Text(view, "callback_id")) is not { } approve) return TypedResults.Ok();
        var userId = payload.TryGetProperty("user", out var user) ? Text(user, "id") : null;
        if (userId is null) return TypedResults.Problem(title: "The view submission names no user.", statusCode: StatusCodes.Status400BadRequest);
        if (!tokens.TryRead(Text(view, "private_metadata"), out var runId, out var nodeId))
            return Errors("This form was not made by this ChatFlows host (or was altered); nothing changed.");
        var comment = SlackCommentModal.CommentOf(view);
        if (string.IsNullOrWhiteSpace(comment)) return Errors($"A comment is required to {(approve ? "approve" : "reject")}; nothing changed.");
        var outcome = await approvals.DecideAsync($"slack:{userId}", runId, nodeId, approve, comment, draft: null, ct);
        return outcome.Decision.Accepted ? TypedResults.Ok() : Errors(outcome.Decision.Message);
    }

    private static Ok<SlackViewErrors> Errors(string message) =>
        TypedResults.Ok(new SlackViewErrors(new Dictionary<string, string> { [SlackCommentModal.CommentBlockId] = SlackText.Truncate(message, SlackViewErrors.MaxError) }));

    // A human's message or mention; the bot's own messages, edits and other subtypes start nothing.
    private static ChatIncomingMessage? IncomingMessage(JsonElement slackEvent)
    {
        var type = Text(slackEvent, "type");
        if (type is not ("message" or "app_mention") || slackEvent.TryGetProperty("bot_id", out _) || Text(slackEvent, "subtype") is not null) return null;
        if (Text(slackEvent, "channel") is not { } channel || Text(slackEvent, "user") is not { } user || Text(slackEvent, "ts") is not { } ts) return null;
        var text = Text(slackEvent, "text") ?? "";
        var mention = type == "app_mention";
        if (mention) text = Mention().Replace(text, "").Trim();
        // Slack escapes &, < and > in message text (docs.slack.dev, "Formatting text for app surfaces", Escaping text);
        // triggers and workflows see what the person typed. Slack's own tokens (<@U…>, <#C…|name>, <https://…|label>)
        // stay as they are, so a workflow can post them back.
        text = SlackText.Unescape(text);
        var root = Text(slackEvent, "thread_ts") ?? ts;
        return new ChatIncomingMessage($"slack:{channel}", $"slack:{channel}#{root}", $"slack:{user}", text, ts, mention);
    }

    private static Dictionary<string, Microsoft.Extensions.Primitives.StringValues> Form(HttpContext http) =>
        QueryHelpers.ParseQuery(Encoding.UTF8.GetString(SlackSignatureFilter.BodyOf(http)));

    private static ProblemHttpResult? Missing(Dictionary<string, Microsoft.Extensions.Primitives.StringValues> form, params string[] fields)
    {
        var missing = fields.Where(f => !form.TryGetValue(f, out var v) || string.IsNullOrEmpty(v)).ToArray();
        return missing.Length == 0 ? null : TypedResults.Problem(
            title: "The Slack request lacks fields.", detail: $"Missing: {string.Join(", ", missing)}.", statusCode: StatusCodes.Status400BadRequest);
    }

    private static string? Text(JsonElement value, string property) =>
        value.ValueKind == JsonValueKind.Object && value.TryGetProperty(property, out var found) && found.ValueKind == JsonValueKind.String ? found.GetString() : null;

    [GeneratedRegex("<@[A-Z0-9]+(\\|[^>]*)?>")]
    private static partial Regex Mention();
}
