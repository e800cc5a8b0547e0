namespace ChatFlows.Core.Sql;

/// <summary>
/// Reads SQL text just far enough to count its statements: semicolons inside string literals, quoted names, comments
/// and PostgreSQL dollar quotes do not end a statement.
/// </summary>
public static class SqlText
{
    /// <summary>
    /// True when <paramref name="query"/> holds more than one statement (a trailing semicolon is fine). A read-only
    /// query must be one statement: on PostgreSQL a second one could end the read-only transaction (<c>commit;
    /// insert …</c>) and write outside it.
    /// </summary>
    public static bool HasSeveralStatements(string query)
    {
        var ended = false;
        for (var i = 0; i < query.Length; i++)
        {
            var c = query[i];
            if (char.IsWhiteSpace(c)) continue;
            if (c == '-' && At(query, i + 1, '-'))
            {
                i = LineEnd(query, i);
                continue;
            }
            if (c == '/' && At(query, i + 1, '*'))
            {
                i = CommentEnd(query, i);
                continue;
            }
            if (ended) return true;
            switch (c)
            {
                case ';':
                    ended = true;
                    break;
                case '\'':
                    i = QuoteEnd(query, i, '\'', backslashEscapes: i > 0 && query[i - 1] is 'E' or 'e');
                    break;
                case '"' or '`':
                    i = QuoteEnd(query, i, c, backslashEscapes: false);
                    break;
                case '[':
                    // SQLite's [quoted name].
                    i = IndexOrEnd(query, ']', i + 1);
                    break;
                case '$' when DollarTag(query, i) is { } tag:
                    var close = query.IndexOf(tag, i + tag.Length, StringComparison.Ordinal);
                    i = close < 0 ? query.Length : close + tag.Length - 1;
                    break;
            }
        }
        return false;
    }

    private static bool At(string text, int index, char c) => index < text.Length && text[index] == c;

    private static int LineEnd(string text, int from) => IndexOrEnd(text, '\n', from);

    private static int IndexOrEnd(string text, char c, int from)
    {
        var index = text.IndexOf(c, from);
        return index < 0 ? text.Length : index;
    }

    // PostgreSQL nests block comments.
    private static int CommentEnd(string text, int from)
    {
        var depth = 0;
        for (var i = from; i < text.Length - 1; i++)
        {
            if (text[i] == '/' && text[i + 1] == '*')
            {
                depth++;
                i++;
            }
            else if (text[i] == '*' && text[i + 1] == '/')
            {
                depth--;
                i++;
                if (depth == 0) return i;
            }
        }
        return text.Length;
    }

    private static int QuoteEnd(string text, int from, char quote, bool backslashEscapes)
    {
        for (var i = from + 1; i < text.Length; i++)
        {
            if (backslashEscapes && text[i] == '\\')
            {
                i++;
                continue;
            }
            if (text[i] != quote) continue;
            // A doubled quote is an escaped one.
            if (At(text, i + 1, quote))
            {
                i++;
                continue;
            }
            return i;
        }
        return text.Length;
    }

    // $$ or $tag$ opening a PostgreSQL dollar-quoted string; $1 (a positional parameter) is not one.
    private static string? DollarTag(string text, int from)
    {
        var i = from + 1;
        while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_')) i++;
        if (i >= text.Length || text[i] != '$') return null;
        var tag = text[from..(i + 1)];
        return tag.Length > 2 && char.IsAsciiDigit(tag[1]) ? null : tag;
    }
}
