using System.ComponentModel.DataAnnotations;

namespace ChatFlows.Bot.Chat;

/// <summary>How the chat layer behaves on every platform (<c>ChatFlows:Chat</c>).</summary>
public sealed class ChatOptions
{
    public const string SectionName = "ChatFlows:Chat";

    /// <summary>
    /// The shortest time between two updates of one card. Slack allows about one chat.update per second per channel;
    /// the final state is always delivered.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00", ErrorMessage = "ChatFlows:Chat:UpdateInterval must be between 00:00:00 and 00:01:00.")]
    public TimeSpan UpdateInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a card (a run's progress card, an approval card) keeps being tried while the platform fails (5xx, no
    /// answer) before it is given up; waits a platform asks for (429 with Retry-After) are always waited out. Messages
    /// the run posts in the card's thread wait for the card as long.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "ChatFlows:Chat:CardPostTimeout must be between 00:00:01 and 1.00:00:00.")]
    public TimeSpan CardPostTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// With several instances (README §Running several instances): how long after another instance's last attempt at
    /// posting a card this instance may take the card over, that instance having died. Longer than any one call to the
    /// platform and any wait between two tries of one poster, or a slow post could be made twice.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00", ErrorMessage = "ChatFlows:Chat:CardTakeoverAfter must be between 00:00:01 and 01:00:00.")]
    public TimeSpan CardTakeoverAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How long a message a run posts (<c>output/message</c>) keeps being tried while the platform fails or asks to
    /// wait, before its node fails (and may be retried by the node's retry policy).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00", ErrorMessage = "ChatFlows:Chat:MessagePostTimeout must be between 00:00:01 and 01:00:00.")]
    public TimeSpan MessagePostTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The first wait after a platform failure (5xx, no answer); each next wait doubles, up to <see cref="MaxRetryBackoff"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00", ErrorMessage = "ChatFlows:Chat:FirstRetryBackoff must be between 00:00:00.010 and 00:01:00.")]
    public TimeSpan FirstRetryBackoff { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest wait between two tries after platform failures.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00", ErrorMessage = "ChatFlows:Chat:MaxRetryBackoff must be between 00:00:00.010 and 00:10:00.")]
    public TimeSpan MaxRetryBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Chat identities (<c>slack:U012AB3CD</c>, <c>teams:…</c>, <c>playground:ada</c>) who may cancel any run from
    /// chat, besides the run's starter and the workflow's approvers.
    /// </summary>
    public List<string> Admins { get; set; } = [];

    /// <summary>
    /// Where people reach this host (<c>ChatFlows:PublicBaseUrl</c>, outside this section, checked at start-up by the
    /// access options); progress cards link to the run's page there. No link when it is not set.
    /// </summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>The address of a run's page, e.g. <c>https://chatflows.example.com/runs/0199…</c>; null without <see cref="PublicBaseUrl"/>.</summary>
    public string? RunPage(string runId) =>
        Uri.TryCreate(PublicBaseUrl?.Trim(), UriKind.Absolute, out var root) && (root.Scheme == Uri.UriSchemeHttps || root.Scheme == Uri.UriSchemeHttp)
            ? new Uri(root.AbsoluteUri.EndsWith('/') ? root : new Uri(root.AbsoluteUri + "/"), $"runs/{Uri.EscapeDataString(runId)}").AbsoluteUri
            : null;
}
