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
