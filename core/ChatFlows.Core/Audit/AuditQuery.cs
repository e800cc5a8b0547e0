namespace ChatFlows.Core.Audit;

/// <summary>A page of the audit log, newest first (README §Audit log). Every filter left null matches everything.</summary>
/// <param name="Workspace">Only entries of this workspace.</param>
/// <param name="Actor">Only entries by this identity (exactly, e.g. <c>email:ana@corp.example</c>).</param>
/// <param name="Action">Only this action (<c>run.started</c>), or every action starting with it when it ends with a dot (<c>workflow.</c>).</param>
/// <param name="Target">Only entries about this target (exactly: a workflow id, a run id, a secret's name).</param>
/// <param name="From">Only entries at or after this time.</param>
/// <param name="To">Only entries before this time.</param>
/// <param name="Before">Only entries older than this id (the previous page's <see cref="AuditPage.Next"/>).</param>
/// <param name="Limit">Page size, from 1 to <see cref="MaxLimit"/>.</param>
public sealed record AuditQuery(
    string? Workspace = null,
    string? Actor = null,
    string? Action = null,
    string? Target = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    long? Before = null,
    int Limit = 50)
{
    /// <summary>The largest page.</summary>
    public const int MaxLimit = 500;

    /// <summary>True when <paramref name="entry"/> passes every filter but the cursor and the page size.</summary>
    public bool Matches(AuditEntry entry) =>
        (Workspace is null || entry.Workspace == Workspace)
        && (Actor is null || entry.Actor == Actor)
        && (Action is null || (Action.EndsWith('.') ? entry.Action.StartsWith(Action, StringComparison.Ordinal) : entry.Action == Action))
        && (Target is null || entry.Target == Target)
        && (From is null || entry.At >= From)
        && (To is null || entry.At < To)
        && (Before is null || entry.Id < Before);
}

/// <summary>The entries of one page, newest first, and the cursor of the next (null on the last page).</summary>
public sealed record AuditPage(IReadOnlyList<AuditEntry> Items, long? Next);
