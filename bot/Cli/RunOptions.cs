namespace ChatFlows.Bot.Cli;

/// <summary>Options of <c>chatflows run</c> beyond the trigger payload.</summary>
/// <param name="Agents">A file or folder of agent JSON files; default: <c>agents/</c> beside the workflow.</param>
/// <param name="Decision">True for --approve, false for --reject, null to ask (or leave approvals waiting).</param>
/// <param name="As">Who decides, e.g. <c>slack:U012</c>; default: the first approver listed.</param>
/// <param name="Comment">The decision's comment.</param>
internal sealed record RunOptions(string? Agents = null, bool? Decision = null, string? As = null, string? Comment = null);
