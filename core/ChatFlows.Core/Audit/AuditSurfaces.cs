namespace ChatFlows.Core.Audit;

/// <summary>Where an audited action came from.</summary>
public static class AuditSurfaces
{
    public const string Canvas = "canvas";
    public const string Api = "api";
    public const string Slack = "slack";
    public const string Teams = "teams";
    public const string Playground = "playground";
    public const string Webhook = "webhook";
    public const string Schedule = "schedule";
    public const string Cli = "cli";
}
