using System.Text.Json;
using System.Text.Json.Nodes;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Expressions;

namespace ChatFlows.Core.Nodes;

/// <summary>
/// <c>approval</c>: asks <c>approvers</c> to approve or reject (<c>prompt</c>, optional editable <c>draft</c>) and waits,
/// durably, on the <see cref="Bookmark"/> bookmark. It continues on <c>approved</c> or <c>rejected</c> with the decision
/// in data (who, when, comment, the draft as approved), or on <c>expired</c> when <c>timeout</c> passes first; an
/// expiry with nothing connected to <c>expired</c> ends the run as expired. Who may decide is checked before a
/// decision is accepted (<see cref="ApprovalRequest.Allows(Decider)"/>), the same for every chat adapter. Its policy
/// (README §Approvals: <c>remind</c>, <c>escalate</c>, <c>quorum</c>, <c>rejectQuorum</c>, <c>requireComment</c>,
/// <c>onTimeout</c>) is rendered into the request, so every instance and surface reads the same rules.
/// </summary>
public sealed class ApprovalNode(
    Template prompt, IReadOnlyList<Template> approvers, TimeSpan? timeout, Template? draft, ApprovalNode.PolicySetup? policy = null,
    IReadOnlyDictionary<string, List<string>>? emailLists = null) : INodeHandler
{
    /// <summary>The policy as configured: everything but the escalation's approvers is fixed; those are templates like <c>approvers</c>.</summary>
    public sealed record PolicySetup(ApprovalPolicy Fixed, IReadOnlyList<Template>? EscalateTo);

    /// <summary>The bookmark an approval waits on.</summary>
    public const string Bookmark = "approval";

    /// <summary>The approver entry for whoever uses the host from its own machine without signing in.</summary>
    public const string LocalUser = "local";

    /// <summary>Registers the kind.</summary>
    public static void Register(NodeRegistry registry, IReadOnlyDictionary<string, List<string>>? emailLists = null) =>
        registry.Add(new NodeKind(NodeTypes.Approval, null, setup => Setup(setup, emailLists))
        {
            Ports = ["approved", "rejected", NodeResult.ExpiredPort],
            SideEffect = "posts an approval card to chat and waits for a person",
            Label = "Approval",
            Description = "Waits for a person to approve or reject.",
            Config = new() { ["prompt"] = "", ["approvers"] = new JsonArray("anyone"), ["timeout"] = "PT4H", ["quorum"] = ApprovalPolicy.QuorumAny },
            Fields =
            [
                new("prompt", "Prompt", NodeFieldTypes.Textarea) { Required = true, Template = true },
                new("approvers", "Approvers", NodeFieldTypes.List)
                {
                    Required = true,
                    Template = true,
                    Hint = "One a line: slack:U012…, teams:<AAD id>, email:ana@corp.example, playground:name, a group (slack-group:S…, teams-channel:19:…@thread.tacv2, email-list:<name>), or anyone.",
                },
                new("timeout", "Timeout") { Hint = "ISO-8601 duration, like PT4H; then onTimeout decides (the expired port fires by default)." },
                new("onTimeout", "On timeout", NodeFieldTypes.Select) { Options = [ApprovalPolicy.TimeoutExpire, ApprovalPolicy.TimeoutApprove, ApprovalPolicy.TimeoutReject], Hint = "What the timeout does: expire (the expired port), or approve or reject with by: timeout." },
                new("quorum", "Quorum") { Hint = "any (one approval, the default), all (every approver entry), or how many distinct people must approve, like 2." },
                new("rejectQuorum", "Rejections that reject", NodeFieldTypes.Number) { Hint = "How many distinct rejections reject; 1 (any rejection) unless set." },
                new("requireComment", "Require a comment", NodeFieldTypes.Select) { Options = [CommentNever, ApprovalPolicy.CommentOnReject, ApprovalPolicy.CommentAlways], Hint = "reject: a rejection needs a comment; always: every decision does." },
                new("remind", "Remind every") { Hint = "ISO-8601 duration, like PT1H: re-ping undecided approvers in the thread and by direct message." },
                new("escalate", "Escalate", NodeFieldTypes.Json) { Hint = "{\"after\": \"PT30M\", \"to\": [\"slack-group:S0ONCALL\"], \"notify\": \"slack:C0ONCALL\"}: after that long undecided, add approvers and tell the channel." },
                new("draft", "Draft", NodeFieldTypes.Textarea) { Template = true, Hint = "Text the approver may edit before approving." },
            ],
        });

    /// <summary>The <c>requireComment</c> value that asks for no comment (as the inspector writes it).</summary>
    public const string CommentNever = "never";

    private static ApprovalNode? Setup(NodeSetup setup, IReadOnlyDictionary<string, List<string>>? emailLists)
    {
        var prompt = setup.Template("prompt", required: true);
        var timeout = setup.Duration("timeout");
        var draft = setup.Template("draft");
        var approvers = Approvers(setup, required: true, emailLists);
        var policy = Policy(setup, timeout, emailLists);
        return setup.HasProblems ? null : new ApprovalNode(prompt!, approvers, timeout, draft, policy, emailLists);
    }

    // README §Approvals: every field is optional; a node without any has no policy (one approval, as before).
    private static PolicySetup? Policy(NodeSetup setup, TimeSpan? timeout, IReadOnlyDictionary<string, List<string>>? emailLists)
    {
        var config = setup.Node.Config;
        var remind = setup.Duration("remind");
        var onTimeout = setup.String("onTimeout");
        if (onTimeout is not null && onTimeout is not (ApprovalPolicy.TimeoutExpire or ApprovalPolicy.TimeoutApprove or ApprovalPolicy.TimeoutReject))
        {
            setup.Problem("onTimeout", $"onTimeout must be expire, approve or reject, not '{onTimeout}'.");
        }
        else if (onTimeout is ApprovalPolicy.TimeoutApprove or ApprovalPolicy.TimeoutReject && timeout is null)
        {
            setup.Problem("onTimeout", $"onTimeout '{onTimeout}' needs a timeout; set timeout (like PT4H) or remove onTimeout.");
        }
        var requireComment = setup.String("requireComment");
        if (requireComment is not null && requireComment is not (CommentNever or ApprovalPolicy.CommentOnReject or ApprovalPolicy.CommentAlways))
        {
            setup.Problem("requireComment", $"requireComment must be reject or always (or never), not '{requireComment}'.");
        }
        var rejectQuorum = setup.Integer("rejectQuorum", 1, 1000);
        var quorum = Quorum(setup);
        var (escalate, escalateTo) = Escalation(setup, timeout, emailLists);

        // A number of approvals the fixed approvers cannot supply would wait forever.
        if (quorum is not null && int.TryParse(quorum, out var needed) && escalate is null
            && config["approvers"] is JsonArray list && list.All(a => a is JsonValue v && v.GetValueKind() == JsonValueKind.String))
        {
            var entries = list.Select(a => a!.GetValue<string>().Trim()).ToList();
            var open = entries.Any(e => e == ApprovalRequest.Anyone || Template.HasMarkup(e) || Running.ApprovalState.IsGroup(e));
            var people = entries.Distinct(StringComparer.OrdinalIgnoreCase).Count();
            if (!open && needed > people)
            {
                setup.Problem("quorum", $"quorum {needed} needs {needed} distinct approvers, but approvers names {people}; lower the quorum, add approvers, or name a group.");
            }
        }
        if (remind is null && escalate is null && quorum is null && rejectQuorum is null && requireComment is null && onTimeout is null) return null;
        return new PolicySetup(new ApprovalPolicy
        {
            Remind = remind,
            Escalate = escalate,
            Quorum = quorum ?? ApprovalPolicy.QuorumAny,
            RejectQuorum = rejectQuorum ?? 1,
            RequireComment = requireComment is CommentNever ? null : requireComment,
            OnTimeout = onTimeout ?? ApprovalPolicy.TimeoutExpire,
        }, escalateTo);
    }

    private static string? Quorum(NodeSetup setup)
    {
        switch (setup.Json("quorum"))
        {
            case null:
                return null;
            case JsonValue v when v.GetValueKind() == JsonValueKind.Number:
                if (v.TryGetValue<int>(out var n) && n >= 1) return n.ToString(System.Globalization.CultureInfo.InvariantCulture);
                break;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                var text = v.GetValue<string>().Trim();
                if (text is ApprovalPolicy.QuorumAny or ApprovalPolicy.QuorumAll) return text;
                if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var count) && count >= 1)
                {
                    return count.ToString(System.Globalization.CultureInfo.InvariantCulture);
                }
                break;
        }
        setup.Problem("quorum", "quorum must be any, all, or a whole number of approvals of at least 1 (like 2).");
        return null;
    }

    private static (ApprovalEscalation? Escalation, IReadOnlyList<Template>? To) Escalation(NodeSetup setup, TimeSpan? timeout, IReadOnlyDictionary<string, List<string>>? emailLists)
    {
        switch (setup.Json("escalate"))
        {
            case null:
                return (null, null);
            case JsonObject escalate:
                TimeSpan? after = null;
                if (escalate["after"] is not JsonValue afterValue || afterValue.GetValueKind() != JsonValueKind.String)
                {
                    setup.Problem("escalate/after", "escalate needs 'after', an ISO-8601 duration like PT30M.");
                }
                else if (!IsoDuration.TryParse(afterValue.GetValue<string>(), out var parsed) || parsed <= TimeSpan.Zero)
                {
                    setup.Problem("escalate/after", $"'{afterValue.GetValue<string>()}' is not a positive ISO-8601 duration (like PT30M, PT4H or P1D).");
                }
                else if (timeout is { } t && parsed >= t)
                {
                    setup.Problem("escalate/after", $"escalate after {afterValue.GetValue<string>()} comes at or after the timeout; escalate sooner or lengthen the timeout.");
                }
                else
                {
                    after = parsed;
                }
                var to = new List<Template>();
                var fixedTo = new List<string>();
                if (escalate["to"] is not JsonArray list || list.Count == 0 || !list.All(a => a is JsonValue v && v.GetValueKind() == JsonValueKind.String))
                {
                    setup.Problem("escalate/to", "escalate needs 'to', a non-empty list of approvers (like [\"slack:U012AB3CD\"] or [\"slack-group:S0ONCALL\"]).");
                }
                else
                {
                    for (var i = 0; i < list.Count; i++)
                    {
                        var entry = list[i]!.GetValue<string>().Trim();
                        var field = $"escalate/to/{i}";
                        if (!Template.HasMarkup(entry) && (CheckApprover(entry) ?? CheckEmailList(entry, emailLists)) is { } problem) setup.Problem(field, problem);
                        else if (setup.TemplateOf(entry, field) is { } template) to.Add(template);
                        fixedTo.Add(entry);
                    }
                }
                string? notify = null;
                if (escalate["notify"] is { } notifyNode)
                {
                    if (notifyNode is not JsonValue nv || nv.GetValueKind() != JsonValueKind.String) setup.Problem("escalate/notify", "escalate notify must be a channel address, like slack:C0ONCALL.");
                    else if (!ChannelAddress.TryParse(nv.GetValue<string>(), out var address, out var error)) setup.Problem("escalate/notify", error);
                    else notify = $"{address.Platform}:{address.Id}";
                }
                foreach (var (name, _) in escalate)
                {
                    if (name is not ("after" or "to" or "notify")) setup.Problem($"escalate/{name}", $"escalate has no '{name}'; it takes after, to and notify.");
                }
                return after is { } a && to.Count > 0 && to.Count == fixedTo.Count ? (new ApprovalEscalation { After = a, To = fixedTo, Notify = notify }, to) : (null, null);
            default:
                setup.Problem("escalate", "escalate must be an object: {\"after\": \"PT30M\", \"to\": [approvers], \"notify\": \"slack:C0ONCALL\"}.");
                return (null, null);
        }
    }

    /// <inheritdoc />
    public async ValueTask<NodeResult> RunAsync(NodeContext context, CancellationToken ct)
    {
        var now = context.Time.GetUtcNow();
        if (context.IsResumed) return Decided(context, now);

        var names = await RenderAsync(approvers, context, emailLists);
        var rendered = policy?.Fixed;
        if (policy is { EscalateTo: { } escalateTo } && rendered?.Escalate is { } escalate)
        {
            rendered = rendered with { Escalate = escalate with { To = (await RenderAsync(escalateTo, context, emailLists, "escalate/to")).Distinct().ToList() } };
        }
        var asked = new ApprovalRequest
        {
            Prompt = await prompt.RenderAsync(context.Scope),
            Approvers = names,
            Draft = draft is null ? null : await draft.RenderAsync(context.Scope),
            RequestedAt = now,
            ExpiresAt = timeout is { } t ? now + t : null,
            Policy = rendered,
        };
        return NodeResult.Wait(Bookmark, asked.ToJson(), asked.ExpiresAt);
    }

    /// <summary>
    /// The <c>approvers</c> of a node's config: fixed entries checked now, templates when they render (the approval
    /// node's, and the agent node's for its confirmed tools).
    /// </summary>
    internal static List<Template> Approvers(NodeSetup setup, bool required, IReadOnlyDictionary<string, List<string>>? emailLists = null)
    {
        var approvers = new List<Template>();
        if (setup.StringList("approvers", required) is { } list)
        {
            if (list.Count == 0) setup.Problem("approvers", "approvers must name at least one person, or be [\"anyone\"].");
            for (var i = 0; i < list.Count; i++)
            {
                var field = $"approvers/{i}";
                // A template is checked when it renders; a fixed approver now.
                if (!Template.HasMarkup(list[i]) && (CheckApprover(list[i]) ?? CheckEmailList(list[i], emailLists)) is { } problem) setup.Problem(field, problem);
                else if (setup.TemplateOf(list[i], field) is { } approver) approvers.Add(approver);
            }
        }
        return approvers;
    }

    /// <summary>The approvers rendered for this run, each checked.</summary>
    internal static async Task<List<string>> RenderAsync(
        IReadOnlyList<Template> approvers, NodeContext context, IReadOnlyDictionary<string, List<string>>? emailLists = null, string field = "approvers")
    {
        var names = new List<string>(approvers.Count);
        foreach (var approver in approvers)
        {
            var name = (await approver.RenderAsync(context.Scope)).Trim();
            if ((CheckApprover(name) ?? CheckEmailList(name, emailLists)) is { } problem) throw new NodeException($"{field}: {problem}");
            names.Add(name);
        }
        return names;
    }

    // The output keeps the question beside the answer, and the draft as approved (edited, or as it was asked).
    private static NodeResult Decided(NodeContext context, DateTimeOffset now)
    {
        var asked = ApprovalRequest.From(context.WaitedWith);
        // Resumed by the clock (no value): nobody decided in time.
        if (context.ResumeValue is not { ValueKind: JsonValueKind.Object } decision)
        {
            // README §Approvals: onTimeout approve or reject decides for the approvers, by "timeout".
            if (asked?.Policy?.OnTimeout is ApprovalPolicy.TimeoutApprove or ApprovalPolicy.TimeoutReject)
            {
                var decided = asked.Policy.OnTimeout == ApprovalPolicy.TimeoutApprove ? "approved" : "rejected";
                var timedOut = new { decision = decided, by = "timeout", policy = "onTimeout", at = now, comment = (string?)null, draft = asked.Draft, prompt = asked.Prompt };
                return NodeResult.Success(JsonSerializer.SerializeToElement(timedOut), decided);
            }
            return NodeResult.Expire(JsonSerializer.SerializeToElement(new { decision = "expired", at = now, prompt = asked?.Prompt, draft = asked?.Draft }));
        }
        var port = Text(decision, "decision");
        if (port is not ("approved" or "rejected")) throw new NodeException($"The decision '{port}' is neither approved nor rejected.");
        var output = new
        {
            decision = port,
            by = Text(decision, "by"),
            at = decision.TryGetProperty("at", out var at) && at.ValueKind == JsonValueKind.String ? at.GetDateTimeOffset() : now,
            comment = Text(decision, "comment"),
            draft = Text(decision, "draft") ?? asked?.Draft,
            prompt = asked?.Prompt,
        };
        // Every vote toward the quorum (README §Approvals), when the decision carries them.
        var result = JsonSerializer.SerializeToNode(output)!.AsObject();
        if (decision.TryGetProperty("votes", out var votes) && votes.ValueKind == JsonValueKind.Array) result["votes"] = JsonNode.Parse(votes.GetRawText());
        return NodeResult.Success(JsonSerializer.SerializeToElement(result), port);
    }

    private static string? Text(JsonElement value, string property) =>
        value.TryGetProperty(property, out var found) && found.ValueKind == JsonValueKind.String ? found.GetString() : null;

    /// <summary>Why an approver entry is not valid, or null when it is.</summary>
    public static string? CheckApprover(string approver)
    {
        if (approver is ApprovalRequest.Anyone or LocalUser) return null;
        var colon = approver.IndexOf(':', StringComparison.Ordinal);
        var platform = colon > 0 ? approver[..colon] : "";
        var id = colon > 0 ? approver[(colon + 1)..] : "";
        var valid = platform switch
        {
            "slack" => id.Length > 1 && id[0] is 'U' or 'W' && id.All(char.IsAsciiLetterOrDigit),
            // An Entra object id as activities carry it, or a user principal name (ada@contoso.com), which Teams looks up.
            "teams" => Guid.TryParse(id, out _) || IsUserPrincipalName(id),
            // A person by the e-mail address their chat platform or sign-in vouches for (README §Sharing the host).
            "email" => IsEmailAddress(id),
            "playground" => id.Length > 0 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'),
            // Groups (README §Approvals): a Slack user group (subteam ids start with S), a Teams channel's members, an e-mail list.
            "slack-group" => id.Length > 1 && id[0] == 'S' && id.All(char.IsAsciiLetterOrDigit),
            "teams-channel" => id.StartsWith("19:", StringComparison.Ordinal) && (id.EndsWith("@thread.tacv2", StringComparison.Ordinal) || id.EndsWith("@thread.skype", StringComparison.Ordinal)) && !id.Any(char.IsWhiteSpace),
            "email-list" => id.Length > 0 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'),
            _ => false,
        };
        return valid ? null : $"'{approver}' is not an approver; write slack:<user id> (like slack:U012AB3CD), teams:<AAD object id> (or teams:<user principal name>), email:<address> (like email:ana@corp.example), playground:<name>, a group (slack-group:<user group id> like slack-group:S0ONCALL, teams-channel:<conversation id> like teams-channel:19:abc@thread.tacv2, email-list:<name>), local or anyone.";
    }

    /// <summary>Why an <c>email-list:</c> entry names no configured list, or null (also when the lists are not known here).</summary>
    public static string? CheckEmailList(string approver, IReadOnlyDictionary<string, List<string>>? emailLists)
    {
        const string Prefix = "email-list:";
        if (emailLists is null || !approver.StartsWith(Prefix, StringComparison.Ordinal)) return null;
        var name = approver[Prefix.Length..];
        return emailLists.ContainsKey(name) ? null : $"the e-mail list '{name}' is not configured; add its addresses at ChatFlows:Approvals:EmailLists:{name}.";
    }

    private static bool IsEmailAddress(string id) => IsUserPrincipalName(id) && id.Length <= 254 && !id.Any(c => c is ',' or ';' or '<' or '>' or '"' or '(' or ')');

    private static bool IsUserPrincipalName(string id)
    {
        var at = id.IndexOf('@', StringComparison.Ordinal);
        return at > 0 && at == id.LastIndexOf('@') && id.IndexOf('.', at) > at + 1 && !id.EndsWith('.') && !id.Any(char.IsWhiteSpace);
    }
}
