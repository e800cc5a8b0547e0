using System.Text;

namespace ChatFlows.Core.Knowledge;

/// <summary>
/// Splits a document's text into chunks for embedding (README §Knowledge): paragraphs are gathered up to
/// <see cref="MaxChars"/> characters, a heading (a line starting with <c>#</c>) starts a new chunk, and each chunk
/// after the first begins with the last <see cref="OverlapChars"/> characters of the one before (cut at a word), so a
/// fact that straddles a boundary is found in either.
/// </summary>
public static class KnowledgeChunker
{
    /// <summary>Most characters in a chunk (about 300 tokens: small enough to be specific, large enough to hold a step with its context).</summary>
    public const int MaxChars = 1200;

    /// <summary>Characters repeated from the end of one chunk at the start of the next.</summary>
    public const int OverlapChars = 150;

    /// <summary>The chunks of <paramref name="text"/>, in order; none for empty text.</summary>
    public static IReadOnlyList<string> Split(string text)
    {
        var chunks = new List<string>();
        var current = new StringBuilder();
        foreach (var paragraph in Paragraphs(text))
        {
            var heading = paragraph.StartsWith('#');
            if (current.Length > 0 && (heading || current.Length + 2 + paragraph.Length > MaxChars))
            {
                Emit(chunks, current, overlap: !heading);
            }
            if (current.Length > 0) current.Append("\n\n");
            current.Append(paragraph);
            while (current.Length > MaxChars)
            {
                var cut = CutAt(current.ToString(), MaxChars);
                chunks.Add(current.ToString(0, cut).Trim());
                var rest = current.ToString(cut, current.Length - cut).Trim();
                current.Clear().Append(Tail(chunks[^1])).Append(' ').Append(rest);
            }
        }
        if (current.Length > 0) chunks.Add(current.ToString().Trim());
        return chunks.Where(c => c.Length > 0).ToArray();
    }

    private static void Emit(List<string> chunks, StringBuilder current, bool overlap)
    {
        var chunk = current.ToString().Trim();
        chunks.Add(chunk);
        current.Clear();
        if (overlap) current.Append(Tail(chunk));
    }

    private static IEnumerable<string> Paragraphs(string text) =>
        text.Replace("\r\n", "\n", StringComparison.Ordinal).Split("\n\n").Select(p => p.Trim()).Where(p => p.Length > 0);

    // The end of a chunk, starting at a word.
    private static string Tail(string chunk)
    {
        if (chunk.Length <= OverlapChars) return chunk;
        var start = chunk.Length - OverlapChars;
        var space = chunk.IndexOf(' ', start);
        return space < 0 ? chunk[start..] : chunk[(space + 1)..];
    }

    // The last sentence end or space before max, so words are not cut.
    private static int CutAt(string text, int max)
    {
        var window = text[..max];
        var sentence = window.LastIndexOf(". ", StringComparison.Ordinal);
        if (sentence > max / 2) return sentence + 1;
        var space = window.LastIndexOf(' ');
        return space > max / 2 ? space : max;
    }
}
