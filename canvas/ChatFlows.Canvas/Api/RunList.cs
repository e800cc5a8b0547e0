namespace ChatFlows.Canvas.Api;

/// <summary>A page of run history, newest first; <c>next</c> is the <c>before</c> of the following page, null on the last.</summary>
internal sealed record RunList(IReadOnlyList<RunSummary> Items, string? Next);
