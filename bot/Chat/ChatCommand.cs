using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChatFlows.Core.Documents;

namespace ChatFlows.Bot.Chat;

/// <summary>
/// A command as typed in chat (README §The Playground and chat commands): <c>/run &lt;workflow&gt; [args]</c> where args are <c>key=value</c> pairs
/// (values may be quoted) or one JSON object; <c>/run list</c>, <c>/run status &lt;run&gt;</c>, <c>/run cancel &lt;run&gt;</c>,
/// <c>/run help</c>, <c>/run approvals</c>, <c>/run delegate &lt;run&gt; [node] to &lt;person&gt;</c>; <c>/run status &lt;run&gt; json</c> answers with the run's JSON. The leading <c>/run</c> (or Teams' <c>run</c>) is optional, as Slack sends only the text after it.
/// </summary>
/// <param name="Kind">Which command.</param>
/// <param name="Target">The workflow of a run, the run of status and cancel; null otherwise.</param>
/// <param name="Args">The arguments of a run as an object (values of key=value pairs are strings).</param>
/// <param name="ArgsText">The arguments as typed.</param>
public sealed partial record ChatCommand(ChatCommandKind Kind, string? Target, JsonObject Args, string ArgsText)
{
    /// <summary>The word after <c>/run status &lt;run&gt;</c> that asks for the run's JSON.</summary>
    public const string JsonOption = "json";

    /// <summary>True for <c>/run status &lt;run&gt; json</c>.</summary>
    public bool AsJson => Kind == ChatCommandKind.Status && ArgsText == JsonOption;

    /// <summary>Parses a command; <paramref name="error"/> says what is wrong and how to write it otherwise.</summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out ChatCommand? command, [NotNullWhen(false)] out string? error)
    {
        command = null;
        error = null;
        if (!StrictJson.IsUnicode(text, out var broken))
        {
            error = $"The command is not Unicode text: character {broken + 1} is an unpaired UTF-16 surrogate.";
            return false;
        }
        var rest = StripPrefix(text.Trim());
        var space = rest.IndexOfAny([' ', '\t', '\n']);
        var word = space < 0 ? rest : rest[..space];
        var args = space < 0 ? "" : rest[(space + 1)..].Trim();

        switch (word.ToLowerInvariant())
        {
            case "" or "help":
                command = new ChatCommand(ChatCommandKind.Help, null, [], args);
                return true;
            case "list":
                command = new ChatCommand(ChatCommandKind.List, null, [], args);
                return true;
            case "approvals":
                command = new ChatCommand(ChatCommandKind.Approvals, null, [], args);
                return true;
            case "delegate":
                return TryParseDelegate(args, out command, out error);
            case "status" or "cancel":
                var kind = word.Equals("status", StringComparison.OrdinalIgnoreCase) ? ChatCommandKind.Status : ChatCommandKind.Cancel;
                var parts = args.Split((char[])[' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries);
                // "/run status <run> json" asks for the run's JSON rather than its text (README §Progress cards).
                var asJson = kind == ChatCommandKind.Status && parts.Length == 2 && parts[1].Equals(JsonOption, StringComparison.OrdinalIgnoreCase);
                if (parts.Length == 0 || (parts.Length > 1 && !asJson))
                {
                    error = kind == ChatCommandKind.Status
                        ? "Say which run: /run status <run id>, or /run status <run id> json for its JSON."
                        : $"Say which run: /run {word.ToLowerInvariant()} <run id>.";
                    return false;
                }
                command = new ChatCommand(kind, parts[0], [], asJson ? JsonOption : "");
                return true;
        }
        if (!TryParseArgs(args, out var parsed, out error)) return false;
        command = new ChatCommand(ChatCommandKind.Run, word, parsed, args);
        return true;
    }

    /// <summary>The word between the run (and node) and the person in <c>/run delegate &lt;run&gt; [node] to &lt;person&gt;</c>.</summary>
    public const string DelegateTo = "to";

    // "/run delegate <run> [node] to <person>": Target is the run, Args holds "node" (when given) and "to". A Slack
    // mention (<@U012|ana>) names slack:U012.
    private static bool TryParseDelegate(string args, out ChatCommand? command, out string? error)
    {
        command = null;
        error = null;
        var parts = args.Split((char[])[' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries);
        var to = Array.FindLastIndex(parts, p => p.Equals(DelegateTo, StringComparison.OrdinalIgnoreCase));
        if (to is < 1 or > 2 || to != parts.Length - 2)
        {
            error = "Say which approval and to whom: /run delegate <run id> [node] to <person>, e.g. /run delegate 0199a1b2 to slack:U012AB3CD.";
            return false;
        }
        var person = parts[^1];
        if (SlackMention().Match(person) is { Success: true } mention) person = "slack:" + mention.Groups[1].Value;
        var json = new JsonObject { [DelegateTo] = person };
        if (to == 2) json["node"] = parts[1];
        command = new ChatCommand(ChatCommandKind.Delegate, parts[0], json, args);
        return true;
    }

    /// <summary>The node named in <c>/run delegate</c>, or null for the run's only waiting approval.</summary>
    public string? Node => Args["node"]?.GetValue<string>();

    /// <summary>The person named in <c>/run delegate</c>.</summary>
    public string? DelegateTarget => Kind == ChatCommandKind.Delegate ? Args[DelegateTo]?.GetValue<string>() : null;

    [System.Text.RegularExpressions.GeneratedRegex("^<@([UW][A-Z0-9]{2,})(?:\\|[^>]*)?>\\z")]
    private static partial System.Text.RegularExpressions.Regex SlackMention();

    private static string StripPrefix(string text)
    {
        foreach (var prefix in (string[])["/run", "run"])
        {
            if (text.Equals(prefix, StringComparison.OrdinalIgnoreCase)) return "";
            if (text.StartsWith(prefix + " ", StringComparison.OrdinalIgnoreCase)) return text[(prefix.Length + 1)..].TrimStart();
        }
        return text;
    }

    /// <summary>Parses <c>key=value</c> pairs (values in "double" or 'single' quotes may hold spaces) or one JSON object.</summary>
    public static bool TryParseArgs(string text, [NotNullWhen(true)] out JsonObject? args, [NotNullWhen(false)] out string? error)
    {
        args = null;
        error = null;
        if (text.StartsWith('{'))
        {
            // The reader every other input goes through, so a chat run's trigger holds only what can be stored and read back.
            if (!StrictJson.TryParse(text, out var parsed, out var problem))
            {
                error = $"The arguments are {problem} Write one JSON object, like {{\"service\": \"api\"}}, or key=value pairs.";
                return false;
            }
            args = JsonObject.Create(parsed)!;
            return true;
        }

        args = [];
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
            if (i == text.Length) break;
            var keyStart = i;
            while (i < text.Length && text[i] != '=' && !char.IsWhiteSpace(text[i])) i++;
            var key = text[keyStart..i];
            if (i == text.Length || text[i] != '=' || key.Length == 0)
            {
                error = $"'{key}' is not a key=value pair. Write arguments like service=api note=\"two words\", or one JSON object.";
                return false;
            }
            i++; // '='
            if (!TryReadValue(text, ref i, out var value))
            {
                error = $"The value of '{key}' has no closing quote.";
                return false;
            }
            args[key] = value;
        }
        return true;
    }

    private static bool TryReadValue(string text, ref int i, out string value)
    {
        var builder = new StringBuilder();
        if (i < text.Length && text[i] is '"' or '\'' or '“' or '‘')
        {
            // Chat clients turn straight quotes into curly ones; both close the same way.
            var open = text[i++];
            var close = open switch { '“' => '”', '‘' => '’', _ => open };
            while (i < text.Length && text[i] != close && !(open is '“' && text[i] == '"'))
            {
                if (text[i] == '\\' && i + 1 < text.Length && text[i + 1] == close) i++;
                builder.Append(text[i++]);
            }
            value = builder.ToString();
            if (i == text.Length) return false;
            i++;
            return true;
        }
        while (i < text.Length && !char.IsWhiteSpace(text[i])) builder.Append(text[i++]);
        value = builder.ToString();
        return true;
    }

    /// <summary>The run's trigger payload: <c>{ args, text, user, channel, thread }</c>, as the CLI's key=value pairs give.</summary>
    public JsonElement ToTrigger(string user, string channel, string? thread) => JsonSerializer.SerializeToElement(new JsonObject
    {
        ["args"] = Args.DeepClone(),
        ["text"] = ArgsText,
        ["user"] = user,
        ["channel"] = channel,
        ["thread"] = thread,
    });
}
