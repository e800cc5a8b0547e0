using System.Text.Json.Serialization;

namespace ChatFlows.Bot.Slack;

/// <summary>
/// The answer to a <c>view_submission</c> that keeps the modal open and shows each message under the input block it
/// names (https://docs.slack.dev/surfaces/modals#displaying_errors).
/// </summary>
public sealed record SlackViewErrors([property: JsonPropertyName("errors")] IReadOnlyDictionary<string, string> Errors)
{
    /// <summary>The longest message ChatFlows shows under a field.</summary>
    public const int MaxError = 500;

    [JsonPropertyName("response_action")]
    public string ResponseAction => "errors";
}
