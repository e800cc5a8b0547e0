namespace ChatFlows.Bot.Slack;

/// <summary>Placeholder until the outbound Slack client lands.</summary>
public sealed class SlackOptions
{
    public const string SectionName = "ChatFlows:Slack";

    public string? SigningSecret { get; set; }

    public string? BotToken { get; set; }

    public string ApiBaseUrl { get; set; } = "https://slack.com/api/";
}
