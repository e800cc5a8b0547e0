using System.Text.Json;
using System.Text.RegularExpressions;
using ChatFlows.Bot.Access;
using ChatFlows.Bot.Chat;
using ChatFlows.Canvas.Api;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Workspaces;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;
using ValidationProblem = Microsoft.AspNetCore.Http.HttpResults.ValidationProblem;

namespace ChatFlows.Bot.Playground;

/// <summary>
/// <c>/playground</c> (README §HTTP API): a chat channel in the browser, to try workflows without Slack or Teams. The page
/// talks to <c>/playground/api</c>: channels, their messages and threads, posting (where <c>/run</c> commands are
/// carried out), card button clicks, and a server-sent event stream of new and changed messages.
/// </summary>
public static partial class PlaygroundEndpoints
{
    /// <summary>The longest message a person can post, in characters.</summary>
    public const int MaxTextLength = 4000;

    private const int MaxBodyBytes = 64 * 1024;
    private const string PagePath = "playground/index.html";

    /// <summary>Maps the page and its API.</summary>
    public static IEndpointRouteBuilder MapPlaygroundEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/playground", Page).RequireRole(Role.Runner);
        var api = app.MapGroup("/playground/api").RequireRole(Role.Runner);
        api.MapGet("/channels", ListChannelsAsync);
        api.MapPost("/channels", CreateChannelAsync);
        api.MapGet("/channels/{channel}/messages", ListMessagesAsync);
        api.MapPost("/channels/{channel}/messages", PostMessageAsync);
        api.MapGet("/messages/{id:long}/thread", GetThreadAsync);
        api.MapPost("/actions", ActAsync);
        api.MapGet("/events", Watch);
        api.MapGet("/me", Me);
        return app;
    }

    private static Results<PhysicalFileHttpResult, ProblemHttpResult> Page(IWebHostEnvironment environment)
    {
        var page = environment.WebRootFileProvider.GetFileInfo(PagePath);
        if (page is not { Exists: true, PhysicalPath: { } path })
        {
            return TypedResults.Problem(
                title: "The Playground page is missing.",
                detail: $"{PagePath} is not under {environment.WebRootPath}; build the host again so wwwroot is copied beside it.",
                statusCode: StatusCodes.Status500InternalServerError);
        }
        return TypedResults.PhysicalFile(path, "text/html; charset=utf-8", lastModified: page.LastModified);
    }

    private static async Task<Ok<PlaygroundChannelSummary[]>> ListChannelsAsync(PlaygroundStore store, CancellationToken ct) =>
        TypedResults.Ok((await store.ListChannelsAsync(ct)).ToArray());

    private static async Task<Results<Created<PlaygroundChannelSummary>, ProblemHttpResult, ValidationProblem>> CreateChannelAsync(
        HttpRequest request, PlaygroundStore store, CancellationToken ct)
    {
        var (json, unreadable) = await ReadObjectAsync(request, ct);
        if (unreadable is not null) return unreadable;
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var name = Text(json, "name", errors)?.Trim();
        if (name is null || !ChannelAddress.TryParse(PlaygroundChannel.AddressOf(name), out _, out _))
        {
            errors.TryAdd("name", [$"'{name}' is not a channel name; use lower-case letters, digits and dashes (up to 80), e.g. deploys or team-a."]);
        }
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "The channel cannot be created.");

        if (!await store.CreateChannelAsync(name!, ct))
        {
            return TypedResults.Problem(title: "The channel exists.", detail: $"There is already a channel #{name}.", statusCode: StatusCodes.Status409Conflict);
        }
        var created = (await store.ListChannelsAsync(ct)).First(c => c.Name == name);
        return TypedResults.Created(MessagesLocation(name!), created);
    }

    private static async Task<Results<Ok<PlaygroundMessage[]>, ProblemHttpResult>> ListMessagesAsync(string channel, PlaygroundStore store, CancellationToken ct)
    {
        if (!await store.ChannelExistsAsync(channel, ct)) return NoSuchChannel(channel);
        return TypedResults.Ok((await store.ListChannelMessagesAsync(channel, ct)).ToArray());
    }

    // A reply's id opens the thread it is in, so a link to any message of a thread shows the whole of it.
    private static async Task<Results<Ok<PlaygroundThread>, ProblemHttpResult>> GetThreadAsync(long id, PlaygroundStore store, CancellationToken ct)
    {
        var message = await store.GetAsync(id, ct);
        var thread = message is null ? null : await store.GetThreadAsync(message.ThreadId ?? message.Id, ct);
        return thread is null
            ? TypedResults.Problem(title: "No such message.", detail: $"The Playground has no message {id}.", statusCode: StatusCodes.Status404NotFound)
            : TypedResults.Ok(thread);
    }

    // Who the page speaks for: the signed-in person (their name replaces the display name), or nobody in particular.
    private static Ok<PlaygroundMe> Me(HttpContext context) =>
        TypedResults.Ok(SignedInPerson(context) is { } person ? new PlaygroundMe(true, person.Name, person.Decider.Id) : new PlaygroundMe(false, null, null));

    /// <summary>The person signed in with the provider, or null when the caller is the local user or the API key.</summary>
    private static SignedInCaller? SignedInPerson(HttpContext context) =>
        Callers.IsSignedIn(context.User) && Caller.Of(context) is { } decider ? new SignedInCaller(decider, Caller.NameOf(context.User) ?? decider.Id) : null;

    private sealed record SignedInCaller(Decider Decider, string Name);

    private static PlaygroundEventsResult Watch(PlaygroundFeed feed, IOptions<JsonOptions> json, TimeProvider time, IHostApplicationLifetime lifetime) =>
        new(feed.Subscribe(), json.Value.SerializerOptions, time, lifetime.ApplicationStopping);

    /// <summary>The body as a JSON object, or the 400 naming why it is not one (too large, not JSON, not an object).</summary>
    private static async Task<(JsonElement Json, ProblemHttpResult? Problem)> ReadObjectAsync(HttpRequest request, CancellationToken ct)
    {
        var body = await RequestBody.ReadAsync(request, MaxBodyBytes, ct);
        if (body is null) return (default, Unreadable($"The body may be at most {MaxBodyBytes / 1024} KiB."));
        if (!RequestBody.TryParseJson(body, out var json, out var error)) return (default, Unreadable(error));
        if (json.ValueKind != JsonValueKind.Object) return (default, Unreadable("The body must be a JSON object."));
        return (json, null);
    }

    private static ProblemHttpResult Unreadable(string detail) => TypedResults.Problem(
        title: "The request could not be read.",
        detail: detail,
        statusCode: StatusCodes.Status400BadRequest);

    /// <summary>A string property, or null when it is missing or null; any other kind of value is an error of that field.</summary>
    private static string? Text(JsonElement json, string name, Dictionary<string, string[]> errors)
    {
        if (!json.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind == JsonValueKind.String) return value.GetString();
        errors[name] = [$"{name} must be a string."];
        return null;
    }

    /// <summary>Why <paramref name="user"/> is not a Playground display name, or null when it is one.</summary>
    private static string? CheckUser(string? user) => user is not null && UserName().IsMatch(user)
        ? null
        : "user must be a display name of 1 to 40 letters, digits, dots, dashes or underscores, e.g. ada or ada.lovelace.";

    private static ProblemHttpResult NoSuchChannel(string channel) =>
        TypedResults.Problem(title: "No such channel.", detail: $"The Playground has no channel #{channel}.", statusCode: StatusCodes.Status404NotFound);

    private static string MessagesLocation(string channel) => $"/playground/api/channels/{Uri.EscapeDataString(channel)}/messages";

    // The approver rule of approval nodes (playground:<name>), bounded so names fit on a card.
    [GeneratedRegex("^[A-Za-z0-9._-]{1,40}\\z")]
    private static partial Regex UserName();
}
