using System.Text.Json;
using ChatFlows.Bot.Chat;
using ChatFlows.Canvas.Api;
using ChatFlows.Core.Workspaces;

namespace ChatFlows.Bot.Teams;

/// <summary>
/// The Bot Framework's requests to the host (README §HTTP API): <c>POST /api/messages</c> takes every activity Teams sends.
/// Each request is authenticated (<see cref="TeamsAuthenticator"/>) before anything is read from it or stored; the
/// conversation's reference is then stored or refreshed. Messages are answered at once and carried out in the
/// background (replies go through the Connector); an <c>adaptiveCard/action</c> invoke is answered in the response
/// itself, with the card the person should now see.
/// </summary>
public static class TeamsEndpoints
{
    /// <summary>The largest activity accepted; Teams' own are far smaller.</summary>
    public const int MaxActivityBytes = 1024 * 1024;

    /// <summary>Maps <c>POST /api/messages</c>.</summary>
    public static IEndpointRouteBuilder MapTeamsEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/messages", HandleAsync).RequireRole(Role.None);
        return app;
    }

    private static async Task<IResult> HandleAsync(
        HttpContext http, TeamsAuthenticator authenticator, TeamsConversations conversations, TeamsMessages messages, TeamsCardActions actions,
        TeamsInstallations installations, ChatBackgroundWork work, CancellationToken ct)
    {
        if (http.Request.ContentLength > MaxActivityBytes)
            return TypedResults.Problem(title: "The activity is too large.", detail: $"At most {MaxActivityBytes} bytes are accepted.", statusCode: StatusCodes.Status413PayloadTooLarge);

        TeamsActivity? activity;
        try
        {
            activity = await JsonSerializer.DeserializeAsync<TeamsActivity>(http.Request.Body, TeamsActivity.Json, ct);
        }
        catch (JsonException e)
        {
            return TypedResults.Problem(title: "The activity is not a JSON Bot Framework activity.", detail: e.Message, statusCode: StatusCodes.Status400BadRequest);
        }
        if (activity is null) return TypedResults.Problem(title: "The activity is empty.", statusCode: StatusCodes.Status400BadRequest);

        // Nothing in the activity is trusted, stored or acted on before its token is checked.
        var auth = await authenticator.AuthenticateAsync(http, activity, ct);
        if (!auth.IsAccepted)
        {
            if (auth.Status == StatusCodes.Status401Unauthorized) http.Response.Headers.WWWAuthenticate = "Bearer";
            return TypedResults.Problem(title: "The request was not accepted.", detail: auth.Failure, statusCode: auth.Status);
        }
        var isCardAction = activity.Type == TeamsActivity.Invoke && activity.Name == TeamsCardActions.InvokeName;
        if (activity.MissingField() is { } missing)
        {
            // A Universal Actions invoke is always answered with HTTP 200 and an error body (TeamsInvokeResponse).
            if (isCardAction) return TypedResults.Json(TeamsInvokeResponse.BadRequest($"'{missing}' is missing or empty."));
            return TypedResults.Problem(
                title: "The activity lacks a field.", detail: $"'{missing}' is missing or empty.", statusCode: StatusCodes.Status400BadRequest,
                extensions: new Dictionary<string, object?> { ["field"] = missing });
        }

        var reference = TeamsConversationReference.From(activity);
        if (reference is not null) await conversations.SaveAsync(reference, ct);

        switch (activity.Type)
        {
            case TeamsActivity.Message:
                work.Run($"Teams: message {activity.Id} in {activity.Conversation!.Id}", async c =>
                {
                    if (!await actions.SubmitAsync(activity, c)) await messages.HandleAsync(activity, c);
                });
                return TypedResults.Ok();
            case TeamsActivity.Invoke when isCardAction:
                // HTTP 200 whatever the outcome; the body's statusCode says how it went (TeamsInvokeResponse).
                return TypedResults.Json(await actions.InvokeAsync(activity, ct));
            case TeamsActivity.Invoke:
                // Invokes the bot does not handle are answered 501 Not Implemented without a body, as the Bot Framework
                // SDK's ActivityHandler.OnInvokeActivityAsync does by default (TeamsActivityHandler passes unknown names
                // to it): https://github.com/microsoft/botbuilder-dotnet/blob/main/libraries/Microsoft.Bot.Builder/ActivityHandler.cs
                return TypedResults.StatusCode(StatusCodes.Status501NotImplemented);
            case TeamsActivity.ConversationUpdate or TeamsActivity.InstallationUpdate when reference is not null:
                await installations.HandleAsync(activity, reference, ct);
                return TypedResults.Ok();
            default:
                return TypedResults.Ok();
        }
    }
}
