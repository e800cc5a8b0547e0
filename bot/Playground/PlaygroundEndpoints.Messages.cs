using System.Text.Json;
using ChatFlows.Bot.Chat;
using Microsoft.AspNetCore.Http.HttpResults;
using ValidationProblem = Microsoft.AspNetCore.Http.HttpResults.ValidationProblem;

namespace ChatFlows.Bot.Playground;

public static partial class PlaygroundEndpoints
{
    private const string CommandWord = "/run";

    // How a person mentions the bot in the Playground.
    private const string BotMention = "@ChatFlows";

    // Signed in, a person posts as themselves; without sign-in (one local user trying things) under the display name picked.
    private static async Task<Results<Created<PlaygroundPosted>, ProblemHttpResult, ValidationProblem>> PostMessageAsync(
        string channel, HttpContext context, PlaygroundStore store, PlaygroundFeed feed, ILoggerFactory logging,
        CancellationToken ct)
    {
        if (!await store.ChannelExistsAsync(channel, ct)) return NoSuchChannel(channel);
        var (json, unreadable) = await ReadObjectAsync(context.Request, ct);
        if (unreadable is not null) return unreadable;

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var signedIn = SignedInPerson(context);
        var user = Text(json, "user", errors);
        if (signedIn is not null)
        {
            errors.Remove("user");
            user = signedIn.Name;
        }
        else if (!errors.ContainsKey("user") && CheckUser(user) is { } badUser) errors["user"] = [badUser];
        var text = Text(json, "text", errors)?.Trim();
        if (!errors.ContainsKey("text") && (string.IsNullOrEmpty(text) || text.Length > MaxTextLength))
        {
            errors["text"] = [$"text must be 1 to {MaxTextLength} characters (it has {text?.Length ?? 0})."];
        }
        var threadId = await ThreadIdAsync(json, channel, store, errors, ct);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "The message cannot be posted.");

        var message = await store.AddAsync(channel, threadId, user!, fromBot: false, text, null, null, ct);
        feed.Publish(new PlaygroundFeedEvent(PlaygroundFeedEvent.Created, message));

        ChatReply? reply = null;
        if (IsCommand(text!))
        {
            var where = new ChatCommandContext(
                signedIn?.Decider.Id ?? PlaygroundChannel.PlatformName + ":" + user, PlaygroundChannel.AddressOf(channel),
                threadId is null ? null : PlaygroundChannel.AddressOf(channel, threadId));
            reply = await CommandAsync(context.RequestServices, where, text!, logging, ct);
        }
        else
        {
            await StartMessageTriggersAsync(context.RequestServices, message, signedIn?.Decider.Id, logging, ct);
        }
        return TypedResults.Created($"/playground/api/messages/{message.Id}/thread", new PlaygroundPosted(message, reply is null ? null : PlaygroundReply.From(reply)));
    }

    /// <summary><c>/run</c> alone or followed by a space and its words; <c>/running</c> is just text.</summary>
    private static bool IsCommand(string text) =>
        text.StartsWith(CommandWord, StringComparison.Ordinal) && (text.Length == CommandWord.Length || char.IsWhiteSpace(text[CommandWord.Length]));

    private static async Task<ChatReply> CommandAsync(
        IServiceProvider services, ChatCommandContext where, string text, ILoggerFactory logging, CancellationToken ct)
    {
        // Resolved per command: the chat layer is registered beside the platforms, not by them.
        if (services.GetService<ChatCommands>() is not { } commands) return new ChatReply("Commands are not available on this host.");
        try
        {
            return await commands.HandleAsync(where, text, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The message is already posted; the person still gets an answer, and the log has the rest.
            logging.CreateLogger(typeof(PlaygroundEndpoints)).LogError(ex, "Playground command {Command} by {User} failed", text, where.User);
            return new ChatReply("ChatFlows could not carry out that command; the host's log says why.");
        }
    }

    // Workflows with a message trigger start from what people write; "@ChatFlows" in the text is a mention of the bot.
    private static async Task StartMessageTriggersAsync(
        IServiceProvider services, PlaygroundMessage message, string? user, ILoggerFactory logging, CancellationToken ct)
    {
        if (services.GetService<MessageTriggers>() is not { } triggers || message.Text is not { } text) return;
        var mentions = text.Contains(BotMention, StringComparison.OrdinalIgnoreCase);
        var incoming = new ChatIncomingMessage(
            PlaygroundChannel.AddressOf(message.Channel),
            PlaygroundChannel.AddressOf(message.Channel, message.ThreadId ?? message.Id),
            user ?? PlaygroundChannel.PlatformName + ":" + message.Author,
            mentions ? text.Replace(BotMention, "", StringComparison.OrdinalIgnoreCase).Trim() : text,
            message.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            mentions);
        try
        {
            await triggers.StartAsync(incoming, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The message is posted either way; the log names the workflow that could not start.
            logging.CreateLogger(typeof(PlaygroundEndpoints)).LogError(ex, "Message triggers for Playground message {MessageId} failed", message.Id);
        }
    }

    /// <summary>The thread a message replies in: a message of <paramref name="channel"/> that is not itself a reply.</summary>
    private static async Task<long?> ThreadIdAsync(
        JsonElement json, string channel, PlaygroundStore store, Dictionary<string, string[]> errors, CancellationToken ct)
    {
        if (!json.TryGetProperty("threadId", out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var id) || id <= 0)
        {
            errors["threadId"] = ["threadId must be the id of a message in the channel (a whole number), or null."];
            return null;
        }
        var root = await store.GetAsync(id, ct);
        if (root is null || root.Channel != channel)
        {
            errors["threadId"] = [$"#{channel} has no message {id} to reply to."];
        }
        else if (root.ThreadId is { } parent)
        {
            errors["threadId"] = [$"Message {id} is a reply; reply in its thread, {parent}."];
        }
        return id;
    }
}
