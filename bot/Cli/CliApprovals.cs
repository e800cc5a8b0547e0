using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;

namespace ChatFlows.Bot.Cli;

/// <summary>
/// Answers approvals for <c>chatflows run</c>: with --approve or --reject, or by asking at the terminal. The decider
/// must be an approver, by the same rule chat applies; it is --as, or else the first approver listed.
/// </summary>
internal sealed class CliApprovals(RunOptions options, TextWriter output, TextReader? terminal, TimeProvider time)
{
    public async Task<Resumption?> AskAsync(RunState run, NodeRecord node, CancellationToken ct)
    {
        if (node.Bookmark != ApprovalNode.Bookmark || ApprovalRequest.From(node.Output) is not { } request) return null;
        var decider = options.As ?? request.Approvers.FirstOrDefault(a => a != ApprovalRequest.Anyone) ?? RunCommand.Thread;
        var approve = options.Decision;
        if (approve is null)
        {
            if (terminal is null) return null;
            await output.WriteLineAsync($"  ? {request.Prompt}{(request.Draft is null ? "" : $"\n    draft: {request.Draft}")}");
            await output.WriteAsync($"    approve as {decider}? [y]es, [n]o, Enter to leave it waiting: ");
            var answer = (await terminal.ReadLineAsync(ct))?.Trim().ToLowerInvariant();
            approve = answer switch { "y" or "yes" => true, "n" or "no" => false, _ => null };
            if (approve is null) return null;
        }
        if (!request.Allows(decider))
        {
            await output.WriteLineAsync($"  ✖ {decider} may not decide '{node.NodeId}'; its approvers are {string.Join(", ", request.Approvers)} (choose with --as).");
            return null;
        }
        await output.WriteLineAsync($"  ✔ {(approve.Value ? "approved" : "rejected")} by {decider}");
        var decision = ApprovalRequest.Decision(approve.Value, decider, time.GetUtcNow(), options.Comment, null);
        return new Resumption(ApprovalNode.Bookmark, decision, node.NodeId);
    }
}
