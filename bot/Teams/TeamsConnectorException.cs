using ChatFlows.Bot.Chat;

namespace ChatFlows.Bot.Teams;

/// <summary>
/// The Bot Framework Connector (or Microsoft Entra ID, for the bot's token) refused a call or could not be reached. The
/// message names the operation, the status and what to do about it.
/// </summary>
public sealed class TeamsConnectorException : Exception, IChatPlatformError
{
    /// <summary>A refusal of <paramref name="operation"/> with HTTP <paramref name="httpStatus"/> (0 when no answer came).</summary>
    /// <param name="operation">What was attempted, e.g. <c>send to 19:abc@thread.tacv2</c>.</param>
    /// <param name="httpStatus">The HTTP status of the answer; 0 when the Connector could not be reached.</param>
    /// <param name="code">The Connector's error code, e.g. <c>BotNotInConversationRoster</c>, when it gave one.</param>
    /// <param name="detail">The Connector's error message, or what went wrong on the way.</param>
    /// <param name="inner">The underlying failure.</param>
    public TeamsConnectorException(string operation, int httpStatus, string? code, string? detail, Exception? inner = null)
        : base(Describe(operation, httpStatus, code, detail), inner)
    {
        Operation = operation;
        HttpStatus = httpStatus;
        Code = code;
        IsRetryable = httpStatus is 0 or 408 or 429 or >= 500;
    }

    /// <summary>What was attempted.</summary>
    public string Operation { get; }

    /// <summary>The HTTP status; 0 when no answer came.</summary>
    public int HttpStatus { get; }

    /// <summary>The Connector's error code, when it gave one.</summary>
    public string? Code { get; }

    /// <summary>True for the Connector's own troubles (5xx, timeouts, unreachable); false for refusals that need a fix.</summary>
    public bool IsRetryable { get; }

    private static string Describe(string operation, int status, string? code, string? detail)
    {
        var what = status == 0 ? $"Teams {operation} failed" : $"Teams {operation} failed with HTTP {status}{(code is { Length: > 0 } ? $" ({code})" : "")}";
        var advice = status switch
        {
            0 => "the Bot Framework Connector could not be reached; it is tried again.",
            401 => $"the bot's token was refused; check {TeamsOptions.SectionName}:AppId, AppPassword and TenantId against the Azure Bot's registration.",
            403 => "the bot may not post there: it was removed from the conversation, or the app is blocked in the tenant.",
            404 => "no such conversation or message: it was deleted, or the bot was never added there.",
            413 => "the message is too large for Teams.",
            429 => "Teams asks to slow down; try again shortly.",
            >= 500 => "a problem on Teams' side; it is tried again.",
            _ => "see the Connector's answer.",
        };
        return detail is { Length: > 0 } ? $"{what}: {advice} ({detail})" : $"{what}: {advice}";
    }
}
