using Microsoft.Extensions.Options;

namespace ChatFlows.Bot.Slack;

/// <summary>
/// Lets through only requests Slack signed (<see cref="SlackSignature"/>); anything else gets 401 and starts nothing.
/// The raw body it verified is kept for the handler (<see cref="BodyOf"/>), as Slack signs the exact bytes.
/// </summary>
public sealed partial class SlackSignatureFilter(IOptions<SlackOptions> options, TimeProvider time, ILogger<SlackSignatureFilter> logger) : IEndpointFilter
{
    /// <summary>Slack bodies are small; anything larger is not from Slack.</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    private const string BodyKey = "ChatFlows.Slack.Body";

    /// <summary>The verified raw body of the request.</summary>
    public static byte[] BodyOf(HttpContext httpContext) => (byte[])httpContext.Items[BodyKey]!;

    /// <inheritdoc />
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (string.IsNullOrEmpty(options.Value.SigningSecret))
        {
            return TypedResults.Problem(
                title: "Slack is not connected.",
                detail: "Set ChatFlows:Slack:SigningSecret and ChatFlows:Slack:BotToken (see README, Connect Slack).",
                statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        if (http.Request.ContentLength > MaxBodyBytes) return Unauthorized(http, "the body is larger than any Slack request.");

        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
        if (buffer.Length > MaxBodyBytes) return Unauthorized(http, "the body is larger than any Slack request.");
        var body = buffer.ToArray();
        var problem = SlackSignature.Check(
            options.Value.SigningSecret, http.Request.Headers["X-Slack-Request-Timestamp"], http.Request.Headers["X-Slack-Signature"], body, time.GetUtcNow());
        if (problem is not null) return Unauthorized(http, problem);

        http.Items[BodyKey] = body;
        return await next(context);
    }

    private IResult Unauthorized(HttpContext http, string problem)
    {
        LogRefused(http.Request.Path, problem);
        return TypedResults.Problem(title: "Not a signed Slack request.", detail: problem, statusCode: StatusCodes.Status401Unauthorized);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack request to {Path} refused: {Problem}")]
    private partial void LogRefused(string path, string problem);
}
