using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ChatFlows.Core.Documents;

/// <summary>
/// The one reader of JSON that comes from outside (workflow documents, agents, secrets, webhook and API payloads, chat
/// arguments, Playground messages). It refuses what the rest of the product could not store and read back, and says
/// where: bytes that are not UTF-8, a name given twice in one object, strings with an unpaired UTF-16 surrogate
/// (<c>"\ud800"</c>), numbers beyond a 64-bit float (<c>1e400</c>, <c>1e-400</c>), and nesting deeper than
/// <see cref="MaxDepth"/>. See README §Input limits.
/// </summary>
/// <remarks>
/// System.Text.Json's own <c>AllowDuplicateProperties = false</c> is not used: its error names neither the name's
/// place nor its line, and a name holding an unpaired surrogate makes it throw <see cref="InvalidOperationException"/>
/// rather than <see cref="JsonException"/>.
/// </remarks>
public static class StrictJson
{
    /// <summary>The deepest nesting of arrays and objects accepted from outside.</summary>
    public const int MaxDepth = 64;

    /// <summary>
    /// The depth JSON the product stored itself may be read and written at: a value from outside nests inside run
    /// details, node outputs and events, each adding a few levels.
    /// </summary>
    public const int StoredMaxDepth = 4 * MaxDepth;

    /// <summary>Options for JSON the product wrote itself (journal rows, stored documents).</summary>
    public static readonly JsonDocumentOptions StoredOptions = new() { MaxDepth = StoredMaxDepth };

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Parses <paramref name="utf8"/>; on failure <paramref name="error"/> says what is wrong and where (a path such as
    /// <c>nodes/0/config/url</c>, or a line and column), worded to follow "The body is …": <c>not valid JSON at line 1,
    /// column 7: …</c>, <c>not valid UTF-8: …</c> or <c>not accepted: …</c>.
    /// </summary>
    public static bool TryParse(ReadOnlyMemory<byte> utf8, out JsonElement value, [NotNullWhen(false)] out string? error, bool allowComments = false)
    {
        value = default;
        if (FirstInvalidUtf8(utf8.Span) is { } bad)
        {
            var (line, column) = Position(utf8.Span, bad);
            error = $"not valid UTF-8: byte 0x{utf8.Span[bad]:X2} at line {line}, column {column} (offset {bad}) does not belong there. Send the text encoded as UTF-8.";
            return false;
        }

        var options = new JsonDocumentOptions
        {
            MaxDepth = MaxDepth,
            CommentHandling = allowComments ? JsonCommentHandling.Skip : JsonCommentHandling.Disallow,
        };
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8, options);
        }
        catch (JsonException ex)
        {
            error = $"not valid JSON at line {(ex.LineNumber ?? 0) + 1}, column {(ex.BytePositionInLine ?? 0) + 1}: {FirstSentence(ex.Message)}";
            return false;
        }
        using (document)
        {
            if (Check(document.RootElement, "") is { } problem)
            {
                error = "not accepted: " + problem;
                return false;
            }
            error = null;
            value = document.RootElement.Clone();
            return true;
        }
    }

    /// <summary>Parses JSON text already in a string (a chat message); an unpaired surrogate in it is an error.</summary>
    public static bool TryParse(string text, out JsonElement value, [NotNullWhen(false)] out string? error, bool allowComments = false)
    {
        if (!IsUnicode(text, out var index))
        {
            value = default;
            error = $"not Unicode text: character {index + 1} is an unpaired UTF-16 surrogate.";
            return false;
        }
        var utf8 = Encoding.UTF8.GetBytes(text);
        return TryParse(utf8, out value, out error, allowComments);
    }

    /// <summary>Whether <paramref name="text"/> is Unicode text: no unpaired UTF-16 surrogate, the first of which is at <paramref name="index"/>.</summary>
    public static bool IsUnicode(string text, out int index)
    {
        for (index = 0; index < text.Length; index++)
        {
            if (char.IsHighSurrogate(text[index]) && index + 1 < text.Length && char.IsLowSurrogate(text[index + 1])) index++;
            else if (char.IsSurrogate(text[index])) return false;
        }
        index = -1;
        return true;
    }

    /// <summary>
    /// Why an already-parsed value (e.g. bound by the JSON serializer) would have been refused, worded as
    /// <see cref="TryParse(ReadOnlyMemory{byte}, out JsonElement, out string?, bool)"/> words it; null when it is acceptable.
    /// </summary>
    public static string? Problem(JsonElement value) => Depth(value) > MaxDepth
        ? $"not accepted: it nests deeper than {MaxDepth} levels."
        : Check(value, "") is { } problem ? "not accepted: " + problem : null;

    private static int Depth(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => 1 + value.EnumerateObject().Select(p => Depth(p.Value)).DefaultIfEmpty(0).Max(),
        JsonValueKind.Array => 1 + value.EnumerateArray().Select(Depth).DefaultIfEmpty(0).Max(),
        _ => 0,
    };

    /// <summary>The problem of one value and everything in it, or null; <paramref name="path"/> is where it sits.</summary>
    private static string? Check(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var names = new HashSet<string>(StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject())
                {
                    if (!TryGetText(() => property.Name, out var name))
                    {
                        return $"a property name in {Where(path)} holds an unpaired UTF-16 surrogate (such as \\ud800 without a low surrogate after it); names must be Unicode text.";
                    }
                    var inner = Join(path, name);
                    if (!names.Add(name))
                    {
                        return $"{Where(path)} has the property '{Shorten(name)}' more than once; give each name once.";
                    }
                    if (Check(property.Value, inner) is { } problem) return problem;
                }
                return null;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (Check(item, Join(path, index.ToString(CultureInfo.InvariantCulture))) is { } problem) return problem;
                    index++;
                }
                return null;
            case JsonValueKind.String:
                return TryGetText(element.GetString, out _)
                    ? null
                    : $"the string at {Where(path)} holds an unpaired UTF-16 surrogate (such as \\ud800 without a low surrogate after it); strings must be Unicode text.";
            case JsonValueKind.Number:
                return NumberProblem(element, path);
            default:
                return null;
        }
    }

    // A number must survive being read as a double: not beyond ±1.8e308, and not so small that it becomes zero.
    private static string? NumberProblem(JsonElement number, string path)
    {
        var raw = number.GetRawText();
        var value = number.GetDouble();
        if (!double.IsFinite(value))
        {
            return $"the number {Shorten(raw)} at {Where(path)} is out of range; numbers must lie within ±1.7976931348623157e308.";
        }
        if (value == 0 && HasNonZeroDigit(raw))
        {
            return $"the number {Shorten(raw)} at {Where(path)} is too small to represent; it would be read as 0.";
        }
        return null;
    }

    private static bool HasNonZeroDigit(string raw)
    {
        foreach (var c in raw)
        {
            if (c is 'e' or 'E') return false;
            if (c is >= '1' and <= '9') return true;
        }
        return false;
    }

    private static bool TryGetText(Func<string?> read, out string text)
    {
        try
        {
            text = read() ?? "";
            return true;
        }
        catch (InvalidOperationException)
        {
            text = "";
            return false;
        }
    }

    private static int? FirstInvalidUtf8(ReadOnlySpan<byte> utf8)
    {
        if (System.Text.Unicode.Utf8.IsValid(utf8)) return null;
        try
        {
            StrictUtf8.GetCharCount(utf8);
            return null;
        }
        catch (DecoderFallbackException ex)
        {
            return Math.Clamp(ex.Index, 0, utf8.Length - 1);
        }
    }

    private static (int Line, int Column) Position(ReadOnlySpan<byte> utf8, int offset)
    {
        var before = utf8[..offset];
        var lastNewline = before.LastIndexOf((byte)'\n');
        return (before.Count((byte)'\n') + 1, offset - lastNewline);
    }

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}/{name}";

    private static string Where(string path) => path.Length == 0 ? "the top level" : $"'{Shorten(path)}'";

    private static string Shorten(string s) => s.Length <= 60 ? s : s[..57] + "...";

    // System.Text.Json appends "LineNumber: … | BytePositionInLine: …" (0-based), which the caller already gets 1-based.
    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut < 0) cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).Trim();
    }
}
