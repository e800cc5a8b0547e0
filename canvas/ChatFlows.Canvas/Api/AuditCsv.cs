using System.Globalization;
using System.Text;
using ChatFlows.Core.Audit;

namespace ChatFlows.Canvas.Api;

/// <summary>
/// The audit log as CSV (RFC 4180: a header row, CRLF line ends, fields with a comma, quote or line break quoted and
/// their quotes doubled). A cell that a spreadsheet would take for a formula (starting with <c>=</c>, <c>+</c>,
/// <c>-</c>, <c>@</c>, a tab or a carriage return) is prefixed with <c>'</c>, so an actor or target someone chose
/// cannot run in the reader's spreadsheet (README §Audit log).
/// </summary>
public static class AuditCsv
{
    /// <summary>The header row's column names.</summary>
    public static readonly IReadOnlyList<string> Columns = ["id", "at", "workspace", "actor", "surface", "action", "target", "detail", "address"];

    /// <summary>The header row, with its line end.</summary>
    public static string Header() => string.Join(',', Columns) + "\r\n";

    /// <summary><paramref name="entry"/> as one row, with its line end.</summary>
    public static string Row(AuditEntry entry)
    {
        string[] cells =
        [
            entry.Id.ToString(CultureInfo.InvariantCulture),
            entry.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            entry.Workspace,
            entry.Actor,
            entry.Surface,
            entry.Action,
            entry.Target,
            entry.Detail ?? "",
            entry.Address ?? "",
        ];
        return string.Join(',', cells.Select(Cell)) + "\r\n";
    }

    /// <summary>One field: neutralised when it would start a formula, quoted when it must be.</summary>
    public static string Cell(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r') value = "'" + value;
        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    /// <summary>Writes every entry that matches <paramref name="query"/> to <paramref name="output"/>, newest first, a page at a time.</summary>
    public static async Task WriteAsync(IAuditLog log, AuditQuery query, Stream output, CancellationToken ct)
    {
        await using var writer = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), leaveOpen: true);
        await writer.WriteAsync(Header());
        var page = query with { Limit = AuditQuery.MaxLimit };
        while (true)
        {
            var entries = await log.ListAsync(page, ct);
            foreach (var entry in entries.Items) await writer.WriteAsync(Row(entry));
            await writer.FlushAsync(ct);
            if (entries.Next is not { } next) break;
            page = page with { Before = next };
        }
    }
}
