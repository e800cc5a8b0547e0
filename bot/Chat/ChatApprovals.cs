using ChatFlows.Core.Audit;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;

namespace ChatFlows.Bot.Chat;

/// <summary>
/// The approval flow of every chat platform: a click decides through the engine's one rule (<see cref="Approvals"/>:
/// listed approvers only, before expiry, quorum and comment rules), then every card of the approval (the thread's and
/// its copies, on every platform) shows the vote or who decided and when, within <see cref="ChatOptions.UpdateInterval"/>.
/// A refused click changes nothing and gets the reason, for the platform to show privately. When the approval names
/// people by e-mail (<c>email:ana@corp.example</c>) and the clicker is not listed by their own id, their address is
/// looked up from their platform's directory (<see cref="IChatPeople"/>), so one list works on every platform.
/// </summary>
public sealed partial class ChatApprovals(
    Approvals approvals, ApprovalViews views, RunCardUpdater updater, IEnumerable<IChatPeople> people, ILogger<ChatApprovals> logger)
{
    /// <summary>Decides approval <paramref name="nodeId"/> of run <paramref name="runId"/> as <paramref name="decider"/>.</summary>
    public Task<ChatDecision> DecideAsync(string decider, string runId, string nodeId, bool approve, string? comment, string? draft, CancellationToken ct) =>
        DecideAsync(new Decider(decider), runId, nodeId, approve, comment, draft, ct);

    /// <summary>Decides approval <paramref name="nodeId"/> of run <paramref name="runId"/> as <paramref name="decider"/>, on the platform its id names.</summary>
    public Task<ChatDecision> DecideAsync(
        Decider decider, string runId, string nodeId, bool approve, string? comment, string? draft, CancellationToken ct) =>
        DecideAsync(decider, AuditOrigin.SurfaceOfChat(decider.Id), runId, nodeId, approve, comment, draft, ct);

    /// <summary>
    /// Decides approval <paramref name="nodeId"/> of run <paramref name="runId"/> as <paramref name="decider"/>, clicked on
    /// <paramref name="surface"/> (a person signed in on the Playground decides as <c>email:…</c>, from the Playground).
    /// </summary>
    public async Task<ChatDecision> DecideAsync(
        Decider decider, string surface, string runId, string nodeId, bool approve, string? comment, string? draft, CancellationToken ct)
    {
        var before = await views.ForAsync(runId, nodeId, ct);
        if (decider.Email is null && before is { IsOpen: true } && before.Request.NamesEmails && !before.Request.Allows(decider))
        {
            decider = decider with { Email = await EmailOfAsync(decider.Id, runId, ct) };
        }

        var decision = await approvals.DecideAsync(runId, nodeId, decider, approve, NullIfBlank(comment), draft, new AuditOrigin(decider.Id, surface), ct);
        if (!decision.Accepted || before is null) return new ChatDecision(decision, before);

        // The vote (or the decision the run resumes with) is stored: every card of the approval shows it, this one at once.
        var after = await views.ForAsync(runId, nodeId, ct) ?? before;
        await updater.RefreshApprovalAsync(runId, nodeId, ct);
        return new ChatDecision(decision, after);
    }

    private async Task<string?> EmailOfAsync(string decider, string runId, CancellationToken ct)
    {
        var colon = decider.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || people.FirstOrDefault(p => p.Platform == decider[..colon]) is not { } directory) return null;
        try
        {
            return await directory.EmailOfAsync(decider[(colon + 1)..], ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Without the address the click is judged by the id alone, and refused with the reason.
            LogLookupFailed(e, decider, runId);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The e-mail address of {Decider} could not be looked up for an approval of run {RunId}")]
    private partial void LogLookupFailed(Exception exception, string decider, string runId);

    private static string? NullIfBlank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
