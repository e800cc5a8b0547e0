using ChatFlows.Core.Audit;

namespace ChatFlows.Canvas.Api;

/// <summary>A page of the audit log, newest first; <c>next</c> is the <c>before</c> of the following page, null on the last.</summary>
internal sealed record AuditList(IReadOnlyList<AuditEntry> Items, long? Next);
