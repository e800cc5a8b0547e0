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
/// decision is accepted (<see cref="ApprovalRequest.Allows(Decider)"/>), the same for every chat adapter.
/// </summary>
public sealed class ApprovalNode(Template prompt, IReadOnlyList<Template> approvers, TimeSpan? timeout, Template? draft) : INodeHandler
{
    /// <summary>The bookmark an approval waits on.</summary>
    public const string Bookmark = "approval";

    /// <summary>The approver entry for whoever uses the host from its own machine without signing in.</summary>
    public const string LocalUser = "local";

    /// <summary>Registers the kind.</summary>
    public static void Register(NodeRegistry registry) =>
        registry.Add(new NodeKind(NodeTypes.Approval, null, Setup)
        {
            Ports = ["approved", "rejected", NodeResult.ExpiredPort],
            SideEffect = "posts an approval card to chat and waits for a person",
            Label = "Approval",
            Description = "Waits for a person to approve or reject.",
            Config = new() { ["prompt"] = "", ["approvers"] = new JsonArray("anyone"), ["timeout"] = "PT4H" },
            Fields =
            [
                new("prompt", "Prompt", NodeFieldTypes.Textarea) { Required = true, Template = true },
                new("approvers", "Approvers", NodeFieldTypes.List) { Required = true, Template = true, Hint = "One a line: slack:U012…, teams:<AAD id>, playground:name, or anyone." },
                new("timeout", "Timeout") { Hint = "ISO-8601 duration, like PT4H; then the expired port fires." },
                new("draft", "Draft", NodeFieldTypes.Textarea) { Template = true, Hint = "Text the approver may edit before approving." },
            ],
        });

    private static ApprovalNode? Setup(NodeSetup setup)
    {
        var prompt = setup.Template("prompt", required: true);
        var timeout = setup.Duration("timeout");
        var draft = setup.Template("draft");
        var approvers = Approvers(setup, required: true);
        return setup.HasProblems ? null : new ApprovalNode(prompt!, approvers, timeout, draft);
    }

    /// <inheritdoc />
    public async ValueTask<NodeResult> RunAsync(NodeContext context, CancellationToken ct)
    {
        var now = context.Time.GetUtcNow();
        if (context.IsResumed) return Decided(context, now);

        var names = await RenderAsync(approvers, context);
        var asked = new ApprovalRequest
        {
            Prompt = await prompt.RenderAsync(context.Scope),
            Approvers = names,
            Draft = draft is null ? null : await draft.RenderAsync(context.Scope),
            RequestedAt = now,
            ExpiresAt = timeout is { } t ? now + t : null,
        };
        return NodeResult.Wait(Bookmark, asked.ToJson(), asked.ExpiresAt);
    }

    /// <summary>
    /// The <c>approvers</c> of a node's config: fixed entries checked now, templates when they render (the approval
    /// node's, and the agent node's for its confirmed tools).
    /// </summary>
    internal static List<Template> Approvers(NodeSetup setup, bool required)
    {
        var approvers = new List<Template>();
        if (setup.StringList("approvers", required) is { } list)
        {
            if (list.Count == 0) setup.Problem("approvers", "approvers must name at least one person, or be [\"anyone\"].");
            for (var i = 0; i < list.Count; i++)
            {
                var field = $"approvers/{i}";
                // A template is checked when it renders; a fixed approver now.
                if (!Template.HasMarkup(list[i]) && CheckApprover(list[i]) is { } problem) setup.Problem(field, problem);
                else if (setup.TemplateOf(list[i], field) is { } approver) approvers.Add(approver);
            }
        }
        return approvers;
    }

    /// <summary>The approvers rendered for this run, each checked.</summary>
    internal static async Task<List<string>> RenderAsync(IReadOnlyList<Template> approvers, NodeContext context)
    {
        var names = new List<string>(approvers.Count);
        foreach (var approver in approvers)
        {
            var name = (await approver.RenderAsync(context.Scope)).Trim();
            if (CheckApprover(name) is { } problem) throw new NodeException($"approvers: {problem}");
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
        return NodeResult.Success(JsonSerializer.SerializeToElement(output), port);
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
            _ => false,
        };
        return valid ? null : $"'{approver}' is not an approver; write slack:<user id> (like slack:U012AB3CD), teams:<AAD object id> (or teams:<user principal name>), email:<address> (like email:ana@corp.example), playground:<name>, local or anyone.";
    }

    private static bool IsEmailAddress(string id) => IsUserPrincipalName(id) && id.Length <= 254 && !id.Any(c => c is ',' or ';' or '<' or '>' or '"' or '(' or ')');

    private static bool IsUserPrincipalName(string id)
    {
        var at = id.IndexOf('@', StringComparison.Ordinal);
        return at > 0 && at == id.LastIndexOf('@') && id.IndexOf('.', at) > at + 1 && !id.EndsWith('.') && !id.Any(char.IsWhiteSpace);
    }
}
