using ChatFlows.Core.Storage;
using Dapper;

namespace ChatFlows.Core.Mail;

/// <summary>
/// How far the mail watcher has read each (connection, folder), in table <c>mail_cursors</c>: the last UID whose
/// runs were started, under the folder's UIDVALIDITY. Shared by every instance on the database, and kept across
/// restarts, so that mail that arrives while no instance runs still starts its runs.
/// </summary>
public sealed class MailCursors(StoreDatabase database, TimeProvider time)
{
    /// <summary>The cursor of a folder, or null when it was never read.</summary>
    public async Task<MailCursor?> GetAsync(string connection, string folder, CancellationToken ct = default)
    {
        const string Sql = "select uid_validity, last_uid from mail_cursors where connection = @Connection and folder = @Folder";
        await using var db = await database.OpenAsync(ct);
        var row = await db.QuerySingleOrDefaultAsync<(long UidValidity, long LastUid)?>(new CommandDefinition(Sql, new { Connection = connection, Folder = folder }, cancellationToken: ct));
        return row is { } r ? new MailCursor((uint)r.UidValidity, (uint)r.LastUid) : null;
    }

    /// <summary>
    /// Moves the cursor forward to <paramref name="lastUid"/> (never back: another instance may be further on), or
    /// sets it outright when the UIDVALIDITY differs from the stored one. The comparison is written out (not SQLite's
    /// two-argument <c>max</c> or PostgreSQL's <c>greatest</c>) so that one statement serves both databases.
    /// </summary>
    public async Task AdvanceAsync(string connection, string folder, uint uidValidity, uint lastUid, CancellationToken ct = default)
    {
        const string Sql = """
            insert into mail_cursors (connection, folder, uid_validity, last_uid, updated_at) values (@Connection, @Folder, @UidValidity, @LastUid, @Now)
            on conflict (connection, folder) do update set
                last_uid = case when mail_cursors.uid_validity = excluded.uid_validity and mail_cursors.last_uid > excluded.last_uid
                    then mail_cursors.last_uid else excluded.last_uid end,
                uid_validity = excluded.uid_validity,
                updated_at = excluded.updated_at
            """;
        await using var db = await database.OpenAsync(ct);
        await db.ExecuteAsync(new CommandDefinition(
            Sql, new { Connection = connection, Folder = folder, UidValidity = (long)uidValidity, LastUid = (long)lastUid, Now = time.GetUtcNow().ToUnixTimeMilliseconds() }, cancellationToken: ct));
    }
}

/// <summary>A folder's read position: the last UID started under <paramref name="UidValidity"/>.</summary>
public sealed record MailCursor(uint UidValidity, uint LastUid);
