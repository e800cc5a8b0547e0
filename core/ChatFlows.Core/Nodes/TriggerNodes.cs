using System.Text.RegularExpressions;
using ChatFlows.Core.Documents;
using Cronos;

namespace ChatFlows.Core.Nodes;

/// <summary>
/// The trigger kinds. A trigger's output is the payload the run was started with; which trigger fires is chosen
/// when the run starts, and the others are ruled out.
/// </summary>
public static partial class TriggerNodes
{
    /// <summary>Registers manual, command, webhook, schedule and message triggers.</summary>
    public static void Register(NodeRegistry registry)
    {
        registry.Add(new NodeKind(NodeTypes.Trigger, "manual", ManualTrigger.Setup)
        {
            Pure = true,
            Label = "Manual",
            Description = "Started by Play, the API, the CLI, /run in chat or an agent (workflow:<id>).",
            Fields =
            [
                new("input", "Input schema", NodeFieldTypes.Json)
                {
                    Hint = "Optional JSON Schema of trigger.args, like {\"type\": \"object\", \"properties\": {\"service\": {\"type\": \"string\"}}, \"required\": [\"service\"]}. Every start is checked against it; agents get it as the tool's parameters.",
                },
            ],
        });
        registry.Add(new NodeKind(NodeTypes.Trigger, "command", SetupCommand)
        {
            Pure = true,
            Label = "Command",
            Description = "Started by /run <command> in chat.",
            Fields = [new("command", "Command name") { Hint = "/run <command> in Slack or Teams; empty: the workflow's id." }],
        });
        registry.Add(new NodeKind(NodeTypes.Trigger, "webhook", SetupWebhook)
        {
            Pure = true,
            CredentialFields = ["secret"],
            Label = "Webhook",
            Description = "Started by a signed POST to /hooks/{workflowId}, or by GitHub's deliveries (provider github).",
            Config = new() { ["secret"] = "" },
            Fields =
            [
                new("secret", "Secret") { Required = true, Hint = "Plain text or {{ secrets.NAME }}; callers sign the body with it (X-ChatFlows-Signature: sha256=…)." },
                new("timestamped", "Require timestamped signatures", NodeFieldTypes.Bool) { Hint = "Callers send X-ChatFlows-Timestamp and sign \"<timestamp>.<body>\"; old or repeated requests are refused. Not with GitHub." },
                new("provider", "Sender", NodeFieldTypes.Select)
                {
                    Options = [Running.WebhookTriggers.ChatFlowsProvider, Running.WebhookTriggers.GithubProvider],
                    Hint = "github: GitHub's deliveries, signed as X-Hub-Signature-256, one run per X-GitHub-Delivery; payload is GitHub's body plus event and delivery.",
                },
                new("events", "GitHub events", NodeFieldTypes.List) { Hint = "With github: one event a line (issues, pull_request, push…), or * for all; others answer 200 without a run." },
            ],
        });
        registry.Add(new NodeKind(NodeTypes.Trigger, "schedule", SetupSchedule)
        {
            Pure = true,
            Label = "Schedule",
            Description = "Started by a cron schedule in a time zone.",
            Config = new() { ["cron"] = "0 9 * * MON-FRI", ["timeZone"] = "UTC" },
            Fields =
            [
                new("cron", "Cron") { Required = true, Hint = "Five fields (minute hour day month weekday), or six with seconds first." },
                new("timeZone", "Time zone") { Hint = "IANA name, like Europe/Berlin; empty: UTC.", List = "time-zones" },
                new("channel", "Channel") { Hint = "Where its output goes: slack:C0123, teams:…, playground:name." },
                new("catchUp", "Catch up missed runs after downtime", NodeFieldTypes.Bool),
            ],
        });
        registry.Add(new NodeKind(NodeTypes.Trigger, "message", SetupMessage)
        {
            Pure = true,
            Label = "Message",
            Description = "Started by a chat message matching a pattern.",
            // It needs a pattern or a mention: a new one answers when the bot is mentioned, until it is given a pattern.
            Config = new() { ["mention"] = true },
            Fields =
            [
                new("pattern", "Pattern") { Hint = "A regular expression the message must match." },
                new("channels", "Channels", NodeFieldTypes.List) { Hint = "One channel a line (slack:C0123); empty: every channel." },
                new("mention", "Only when the bot is mentioned", NodeFieldTypes.Bool),
            ],
        });
        registry.Add(new NodeKind(NodeTypes.Trigger, ReplyKind, SetupReply)
        {
            Pure = true,
            Label = "Reply",
            Description = "Started by a person's reply in the thread of one of this workflow's runs, to continue the conversation.",
            Fields = [new("pattern", "Pattern") { Hint = "A regular expression the reply must match; empty: every reply." }],
        });
    }

    /// <summary>
    /// The trigger kind a reply in a run's chat thread starts (README §Agents and models, conversations in the thread):
    /// payload <c>{text, user, channel, thread, ts, previousRun}</c>.
    /// </summary>
    public const string ReplyKind = "reply";

    /// <summary>Parses a cron expression of five fields, or six with seconds first.</summary>
    public static CronExpression? ParseCron(string text, out string? error)
    {
        error = null;
        var fields = text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        try
        {
            return fields switch
            {
                5 => CronExpression.Parse(text, CronFormat.Standard),
                6 => CronExpression.Parse(text, CronFormat.IncludeSeconds),
                _ => throw new CronFormatException($"it has {fields} fields; write five (minute hour day month weekday), e.g. \"0 9 * * MON-FRI\"."),
            };
        }
        catch (CronFormatException ex)
        {
            error = $"'{text}' is not a valid cron expression: {ex.Message}";
            return null;
        }
    }

    private static INodeHandler? SetupCommand(NodeSetup setup)
    {
        var command = setup.String("command");
        if (command is not null && !CommandName().IsMatch(command))
        {
            setup.Problem("command", $"'{command}' is not a command name; use lower-case letters, digits and dashes, like deploy-check.");
        }
        CommandAllow.Check(setup);
        return setup.HasProblems ? null : PassThrough.Instance;
    }

    private static INodeHandler? SetupWebhook(NodeSetup setup)
    {
        setup.String("secret", required: true);
        var provider = setup.String("provider");
        var github = provider == Running.WebhookTriggers.GithubProvider;
        if (provider is not null && !github && provider != Running.WebhookTriggers.ChatFlowsProvider)
        {
            setup.Problem("provider", $"'{provider}' is not a webhook provider; use chatflows (the default) for ChatFlows-signed requests, or github for GitHub's deliveries.");
        }
        if (setup.Boolean("timestamped") == true && github)
        {
            setup.Problem("timestamped", "GitHub does not timestamp its signatures; leave timestamped out (deliveries are deduplicated by X-GitHub-Delivery instead).");
        }
        if (setup.StringList("events", required: github) is { } events)
        {
            if (provider is null or Running.WebhookTriggers.ChatFlowsProvider) setup.Problem("events", "events filter GitHub's deliveries; set provider to github, or leave events out.");
            if (github && events.Count == 0) setup.Problem("events", "List the GitHub events that start a run, like [\"issues\"], or [\"*\"] for every event.");
            for (var i = 0; i < events.Count; i++)
            {
                if (events[i] != "*" && !GithubEvent().IsMatch(events[i])) setup.Problem($"events/{i}", $"'{events[i]}' is not a GitHub event name; use names like issues, pull_request or push, or * for all.");
            }
        }
        return setup.HasProblems ? null : PassThrough.Instance;
    }

    private static INodeHandler? SetupSchedule(NodeSetup setup)
    {
        if (setup.String("cron", required: true) is { } cron && ParseCron(cron, out var error) is null)
        {
            setup.Problem("cron", error!);
        }
        if (setup.String("timeZone") is { } zone && !TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _))
        {
            setup.Problem("timeZone", $"'{zone}' is not a known IANA time zone (like Europe/Berlin or UTC).");
        }
        setup.Channel("channel");
        setup.Boolean("catchUp");
        return setup.HasProblems ? null : PassThrough.Instance;
    }

    private static INodeHandler? SetupReply(NodeSetup setup)
    {
        if (setup.String("pattern") is { } pattern) CheckPattern(setup, pattern);
        return setup.HasProblems ? null : PassThrough.Instance;
    }

    private static void CheckPattern(NodeSetup setup, string pattern)
    {
        try
        {
            _ = new Regex(pattern, RegexOptions.None, TimeSpan.FromMilliseconds(100));
        }
        catch (ArgumentException ex)
        {
            setup.Problem("pattern", $"'{pattern}' is not a valid regular expression: {ex.Message}");
        }
    }

    private static INodeHandler? SetupMessage(NodeSetup setup)
    {
        // Either messages that mention the bot, or messages whose text matches the pattern; both narrows it to mentions that match.
        var mention = setup.Boolean("mention") ?? false;
        if (setup.String("pattern", required: !mention) is { } pattern)
        {
            try
            {
                _ = new Regex(pattern, RegexOptions.None, TimeSpan.FromMilliseconds(100));
            }
            catch (ArgumentException ex)
            {
                setup.Problem("pattern", $"'{pattern}' is not a valid regular expression: {ex.Message}");
            }
        }
        if (setup.StringList("channels") is { } channels)
        {
            for (var i = 0; i < channels.Count; i++)
            {
                if (!ChannelAddress.TryParse(channels[i], out _, out var error)) setup.Problem($"channels/{i}", error);
            }
        }
        return setup.HasProblems ? null : PassThrough.Instance;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}\\z")]
    private static partial Regex CommandName();

    [GeneratedRegex("^[a-z][a-z_]{0,63}\\z")]
    private static partial Regex GithubEvent();

    private sealed class PassThrough : INodeHandler
    {
        public static readonly PassThrough Instance = new();

        public ValueTask<NodeResult> RunAsync(NodeContext context, CancellationToken ct) =>
            ValueTask.FromResult(NodeResult.Success(context.Scope.Trigger));
    }
}
