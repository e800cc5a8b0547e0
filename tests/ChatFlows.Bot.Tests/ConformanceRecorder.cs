using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ChatFlows.Bot.Tests;

/// <summary>
/// Writes what the tests' fakes received from ChatFlows — Slack Web API calls, Bot Connector activities, Teams invoke
/// responses, Playground cards and rendered cards — one JSON file per payload into the folder named by
/// <c>CHATFLOWS_CONFORMANCE_DIR</c>, so that <c>tests/conformance/check.mjs</c> can check each against Slack's and
/// Microsoft's own specifications (README §Conformance). Does nothing when the variable is unset.
/// </summary>
internal static class ConformanceRecorder
{
    /// <summary>The environment variable naming the folder; <c>./test.sh</c> sets it.</summary>
    public const string FolderVariable = "CHATFLOWS_CONFORMANCE_DIR";

    private static readonly string? Folder = Environment.GetEnvironmentVariable(FolderVariable) is { Length: > 0 } folder ? folder : null;
    private static readonly string Process = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);
    private static int _next;

    /// <summary>True when payloads are being written.</summary>
    public static bool Enabled => Folder is not null;

    /// <summary>
    /// Records one payload: <paramref name="source"/> says which specification applies (<c>slack</c>, <c>teams</c>,
    /// <c>teams-invoke-response</c>, <c>card</c>), <paramref name="method"/> the Web API method or Connector operation,
    /// <paramref name="path"/> the HTTP method and path (or where a card came from).
    /// </summary>
    public static void Record(string source, string method, string path, JsonElement body)
    {
        if (Folder is null || body.ValueKind == JsonValueKind.Undefined) return;
        var payload = new JsonObject
        {
            ["source"] = source,
            ["method"] = method,
            ["path"] = path,
            ["body"] = JsonNode.Parse(body.GetRawText()),
        };
        var number = Interlocked.Increment(ref _next).ToString("D6", CultureInfo.InvariantCulture);
        var name = $"{source}-{Process}-{number}-{Safe(method)}.json";
        Directory.CreateDirectory(Folder);
        File.WriteAllText(Path.Combine(Folder, name), payload.ToJsonString(), Utf8);
    }

    /// <summary>Records every Adaptive Card in a Playground answer (a message or a list of them) as <c>card</c> payloads.</summary>
    public static void RecordPlaygroundCards(string path, JsonElement answer)
    {
        if (Folder is null) return;
        var messages = answer.ValueKind == JsonValueKind.Array ? answer.EnumerateArray().ToArray() : [answer];
        foreach (var message in messages)
            if (message.ValueKind == JsonValueKind.Object && message.TryGetProperty("card", out var card) && card.ValueKind == JsonValueKind.Object)
                Record("card", "playground", $"GET {path}", card);
    }

    private static string Safe(string text) =>
        new([.. text.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_').Take(60)]);
}
