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
}
