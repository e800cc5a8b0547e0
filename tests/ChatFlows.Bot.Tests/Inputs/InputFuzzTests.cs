using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Running;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace ChatFlows.Bot.Tests.Inputs;

/// <summary>
/// Mutated workflow documents, agents, secrets, webhook and run payloads, Playground messages and chat arguments,
/// sent to a real host of its own: no answer may be a server error, and afterwards every stored workflow and agent
/// reads back (and every workflow validates) and every run can be shown. The mutations come from a seeded
/// <see cref="Random"/>; the seed is in the output and the failure message, and <c>CHATFLOWS_FUZZ_SEED</c> replays it
/// (<c>CHATFLOWS_FUZZ_CASES</c> changes how many cases are sent).
/// </summary>
public sealed class InputFuzzTests(HostFixture host, ITestOutputHelper output) : IClassFixture<HostFixture>
{
    private const int DefaultCases = 2400;
    private const string HookSecret = "fuzz-hook-secret";

    private static readonly string[] Payloads =
    [
        """{"orderId": "A-17", "quantity": 12, "packSize": 5}""",
        """{"args": {"service": "web", "errors": "2.5"}, "text": "service=web", "user": "playground:ada"}""",
        """{"items": [{"sku": "x-1", "price": 9.99, "tags": ["a", "b"]}, {"sku": "y-2", "price": 0, "tags": []}], "note": null, "ok": true}""",
        "{}",
    ];

    private static readonly string[] OddNumbers =
    [
        "1e400", "-1e400", "1e-400", "123456789012345678901234567890", "-0", "0.1e-5", "2147483648", "-2147483649",
        "1.7976931348623157e308", "5e-324", "1E+2", "01", "NaN", "Infinity", "-", "1.", ".5", "0x10",
    ];

    private static readonly string[] OddStrings =
    [
        "\"\\ud800\"", "\"x\\udc00\"", "\"\\udbff\\udbff\"", "\"a\\u0000b\"", "\"ends with newline\\n\"", "\"\\uFFFE\\uFFFF\"",
        "\"raw\ttab\"", "\"😀 \\ud83d\\ude00\"", "\"\"", "\"   \"", "\"{{ trigger }}\"", "\"{% for %}\"", "\"unterminated",
        "\"bad \\q escape\"", "\"" + new string('x', 5000) + "\"",
    ];

    private static readonly string[] WrongTypes = ["null", "true", "false", "[]", "{}", "0", "-1", "\"text\"", "[null]", "{\"a\": 1}"];

    private static readonly string[] OddContentTypes = ["text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin1", "", "multipart/form-data"];

    private static readonly byte[][] InvalidUtf8 = [[0xFF], [0xC3], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0x80], [0xE2, 0x82]];

    // Deep-nesting mutations build on each other; the test's own reading and writing must not stop at 64 levels.
    private static readonly JsonSerializerOptions Deep = new() { MaxDepth = 512 };

    private readonly List<string> _serverErrors = [];
    private readonly SortedDictionary<int, int> _answers = [];
    private int _cases;

    [Fact]
    public async Task Endpoints_MutatedInputs_NoServerErrorAndEverythingStoredReadsBack()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("CHATFLOWS_FUZZ_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var fixedSeed)
            ? fixedSeed
            : Environment.TickCount & int.MaxValue;
        var cases = int.TryParse(Environment.GetEnvironmentVariable("CHATFLOWS_FUZZ_CASES"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var count)
            ? count
            : DefaultCases;
        var random = new Random(seed);
        var samples = Directory.GetFiles(Path.Combine(CliProcess.RepositoryRoot, "samples"), "*.json").Order(StringComparer.Ordinal).Select(File.ReadAllText).ToArray();
        var agent = File.ReadAllText(Path.Combine(CliProcess.RepositoryRoot, "samples", "agents", "release-writer.json"));
        Assert.NotEmpty(samples);

        await host.CreateWorkflowAsync(TestWorkflows.Echo("fuzz-play"));
        await host.CreateWorkflowAsync(TestWorkflows.Hook("fuzz-hook", HookSecret));
        // A sample naming a connection saves only under the workflow ids its connection lists, so fuzz-put starts from one that names none.
        var plain = samples.First(s => !s.Contains("\"connection\"", StringComparison.Ordinal));
        var putVersion = (await host.CreateWorkflowAsync(WithId(plain, "fuzz-put"))).GetProperty("version").GetInt32();

        using (var created = await host.SendAsync(HttpMethod.Post, "/api/agents", WithId(agent, "fuzz-agent")))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }
        var agentVersion = 1;
        string[] playable = ["fuzz-play", "deploy-check", "order-webhook", "standup-digest"];

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < cases; i++)
        {
            switch (random.Next(12))
            {
                case 0 or 1:
                    await SendAsync(random, HttpMethod.Post, "/api/workflows", Mutate(random, WithId(samples[random.Next(samples.Length)], $"fz-{i}")));
                    break;
                case 2:
                    var saved = await SendAsync(random, HttpMethod.Put, "/api/workflows/fuzz-put", Mutate(random, WithId(samples[random.Next(samples.Length)], "fuzz-put")), ifMatch: $"\"{putVersion}\"");
                    if (saved == HttpStatusCode.OK) putVersion++;
                    break;
                case 3:
                    await SendAsync(random, HttpMethod.Post, "/api/agents", Mutate(random, WithId(agent, $"fz-{i}")));
                    break;
                case 4:
                    var updated = await SendAsync(random, HttpMethod.Put, "/api/agents/fuzz-agent", Mutate(random, WithId(agent, "fuzz-agent")), ifMatch: $"\"{agentVersion}\"");
                    if (updated == HttpStatusCode.OK) agentVersion++;
                    break;
                case 5:
                    var name = random.Next(10) == 0 ? "FZ_NEWLINE%0A" : $"FZ_{i}";
                    await SendAsync(random, HttpMethod.Put, $"/api/secrets/{name}", Mutate(random, """{"value": "s3cret-value"}"""));
                    break;
                case 6:
                    await SendAsync(random, HttpMethod.Post, "/hooks/fuzz-hook", Mutate(random, Payloads[random.Next(Payloads.Length)]), sign: random.Next(10) > 0);
                    break;
                case 7 or 8:
                    var target = playable[random.Next(playable.Length)];
                    var trigger = target == "fuzz-play" ? "" : "?trigger=play";
                    await SendAsync(random, HttpMethod.Post, $"/api/workflows/{target}/runs{trigger}", Mutate(random, Payloads[random.Next(Payloads.Length)]));
                    break;
                case 9:
                    await SendAsync(random, HttpMethod.Post, "/playground/api/channels/general/messages", PlaygroundBody(random, playable[random.Next(playable.Length)]));
                    break;
                case 10:
                    await SendAsync(random, HttpMethod.Post, "/playground/api/actions", Mutate(random, """{"user": "fuzz", "runId": "0123456789abcdef", "nodeId": "review", "verb": "approve", "comment": "ok", "draft": "text"}"""));
                    break;
                default:
                    await SendAsync(random, HttpMethod.Post, "/playground/api/channels", Mutate(random, $$"""{"name": "fz-{{i}}"}"""));
                    break;
            }
        }
        output.WriteLine($"fuzz: {_cases} requests sent in {clock.Elapsed.TotalSeconds:0.0} s (seed {seed}); answers: {string.Join(", ", _answers.OrderBy(a => a.Key).Select(a => $"{a.Key}×{a.Value}"))}");

        await CheckStoredAsync();
        var summary = $"fuzz: {_cases} cases, {_serverErrors.Count} server errors (seed {seed}; replay with CHATFLOWS_FUZZ_SEED={seed})";
        output.WriteLine(summary);
        ChatFlows.Core.Tests.TestSummary.Write(summary);
        foreach (var error in _serverErrors.Take(20)) output.WriteLine(error);
        Assert.True(_serverErrors.Count == 0, summary + Environment.NewLine + string.Join(Environment.NewLine, _serverErrors.Take(10)));
    }

    /// <summary>Every listed workflow reads back and validates, every agent reads back, every run can be shown.</summary>
    private async Task CheckStoredAsync()
    {
        var engine = host.Services.GetRequiredService<WorkflowEngine>();
        foreach (var listed in (await GetAsync("/api/workflows")).GetProperty("items").EnumerateArray())
        {
            var id = listed.GetProperty("id").GetString()!;
            if (await ReadBackAsync($"/api/workflows/{Uri.EscapeDataString(id)}") is not { } body) continue;
            var problems = engine.Validate(WorkflowJson.Parse(body));
            if (problems.Count > 0) _serverErrors.Add($"stored workflow {id} does not validate: {string.Join("; ", problems.Select(p => $"{p.Path}: {p.Message}"))}");
        }
        foreach (var listed in (await GetAsync("/api/agents")).GetProperty("items").EnumerateArray())
        {
            await ReadBackAsync($"/api/agents/{Uri.EscapeDataString(listed.GetProperty("id").GetString()!)}");
        }
        string? before = null;
        do
        {
            var page = await GetAsync($"/api/runs?limit=500{(before is null ? "" : $"&before={before}")}");
            foreach (var run in page.GetProperty("items").EnumerateArray()) await ReadBackAsync($"/api/runs/{run.GetProperty("id").GetString()}");
            before = page.TryGetProperty("next", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        }
        while (before is not null);
        await ReadBackAsync("/playground/api/channels/general/messages");
    }

    /// <summary>The body of a 200 answer to GET <paramref name="path"/>; anything else is recorded as an error.</summary>
    private async Task<string?> ReadBackAsync(string path)
    {
        try
        {
            using var response = await host.Client.GetAsync(path);
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.OK) return body;
            _serverErrors.Add($"GET {path} after the run: {(int)response.StatusCode} {Shorten(body)}");
        }
        catch (HttpRequestException ex)
        {
            _serverErrors.Add($"GET {path} after the run: the answer broke off ({ex.Message})");
        }
        return null;
    }

    private async Task<JsonElement> GetAsync(string path)
    {
        var body = await ReadBackAsync(path);
        Assert.True(body is not null, $"GET {path} failed: {string.Join(Environment.NewLine, _serverErrors.TakeLast(1))}");
        return JsonElement.Parse(body);
    }

    private async Task<HttpStatusCode> SendAsync(Random random, HttpMethod method, string path, byte[] body, string? ifMatch = null, bool sign = false)
    {
        _cases++;
        using var request = new HttpRequestMessage(method, path) { Content = new ByteArrayContent(body) };
        // Mostly what a client sends; now and then a content type the endpoint does not expect.
        var contentType = random.Next(12) == 0 ? OddContentTypes[random.Next(OddContentTypes.Length)] : "application/json";
        if (contentType.Length > 0) request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        if (sign) request.Headers.Add("X-ChatFlows-Signature", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(HookSecret), body)));
        try
        {
            using var response = await host.Client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            _answers[(int)response.StatusCode] = _answers.GetValueOrDefault((int)response.StatusCode) + 1;
            if ((int)response.StatusCode >= 500)
            {
                _serverErrors.Add($"{method} {path} ({contentType}) answered {(int)response.StatusCode} {Shorten(text)} to {Shorten(Encoding.UTF8.GetString(body))}");
            }
            return response.StatusCode;
        }
        catch (HttpRequestException ex)
        {
            _serverErrors.Add($"{method} {path} ({contentType}): the answer broke off ({ex.Message}) for {Shorten(Encoding.UTF8.GetString(body))}");
            return HttpStatusCode.InternalServerError;
        }
    }

    private static byte[] PlaygroundBody(Random random, string workflow)
    {
        // A /run command whose JSON arguments are mutated, inside a well-formed message; or a mutated message itself.
        if (random.Next(2) == 0)
        {
            var args = Encoding.UTF8.GetString(Mutate(random, Payloads[random.Next(Payloads.Length)]));
            return Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { user = "fuzz", text = $"/run {workflow} {args}" }));
        }
        var body = random.Next(3) == 0
            ? """{"user": "fuzz", "text": "plain words", "threadId": null}"""
            : JsonSerializer.Serialize(new { user = "fuzz", text = $"/run {workflow} service=web note=\"two words\"" });
        return Mutate(random, body);
    }

    private static string WithId(string document, string id)
    {
        var node = JsonNode.Parse(document)!.AsObject();
        node["id"] = id;
        // A command name starts one workflow only: a copy gets its own.
        foreach (var config in (node["nodes"] as JsonArray ?? []).Select(n => n?["config"]).OfType<JsonObject>())
        {
            if (config["kind"]?.GetValue<string>() == "command") config["command"] = id;
        }
        return node.ToJsonString(Deep);
    }

    /// <summary>One to three mutations of the JSON structure, then now and then one of the bytes.</summary>
    private static byte[] Mutate(Random random, string json)
    {
        var text = json;
        for (var n = random.Next(1, 4); n > 0; n--)
        {
            var root = Parse(text);
            var all = new List<JsonNode?>();
            Collect(root, all);
            var target = all[random.Next(all.Count)];
            text = Render(root, target, random);
            // A mutation may leave text that no longer parses; stop there and send it as it is.
            if (!IsJson(text)) break;
        }
        var bytes = Encoding.UTF8.GetBytes(text);
        return random.Next(5) switch
        {
            0 => MutateBytes(random, bytes),
            _ => bytes,
        };
    }

    private static byte[] MutateBytes(Random random, byte[] bytes)
    {
        var at = bytes.Length == 0 ? 0 : random.Next(bytes.Length);
        return random.Next(5) switch
        {
            0 => bytes[..at],
            1 => [.. bytes[..at], .. InvalidUtf8[random.Next(InvalidUtf8.Length)], .. bytes[at..]],
            2 => [0xEF, 0xBB, 0xBF, .. bytes],
            3 => [],
            _ => [.. bytes[..at], (byte)random.Next(256), .. bytes[Math.Min(at + 1, bytes.Length)..]],
        };
    }

    // Text the next mutation can work on: it parses, names each property once and holds only Unicode strings.
    private static bool IsJson(string text)
    {
        try
        {
            var all = new List<JsonNode?>();
            Collect(Parse(text), all);
            foreach (var value in all.OfType<JsonValue>().Where(v => v.GetValueKind() == JsonValueKind.String)) value.GetValue<string>();
            return true;
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    private static JsonNode? Parse(string text) => JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { MaxDepth = 512 });

    private static void Collect(JsonNode? node, List<JsonNode?> all)
    {
        all.Add(node);
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, value) in obj) Collect(value, all);
                break;
            case JsonArray array:
                foreach (var item in array) Collect(item, all);
                break;
        }
    }

    /// <summary>Writes <paramref name="root"/> as JSON text, with <paramref name="target"/> replaced by a mutation of it.</summary>
    private static string Render(JsonNode? root, JsonNode? target, Random random)
    {
        var text = new StringBuilder();
        var done = false;
        Write(root);
        return text.ToString();

        void Write(JsonNode? node)
        {
            if (!done && ReferenceEquals(node, target))
            {
                done = true;
                if (MutateContainer(node)) return;
                text.Append(Replacement(random, node));
                return;
            }
            WritePlain(node);
        }

        void WritePlain(JsonNode? node)
        {
            switch (node)
            {
                case JsonObject obj:
                    text.Append('{');
                    var first = true;
                    foreach (var (name, value) in obj)
                    {
                        if (!first) text.Append(',');
                        first = false;
                        text.Append(JsonSerializer.Serialize(name)).Append(':');
                        Write(value);
                    }
                    text.Append('}');
                    break;
                case JsonArray array:
                    text.Append('[');
                    for (var i = 0; i < array.Count; i++)
                    {
                        if (i > 0) text.Append(',');
                        Write(array[i]);
                    }
                    text.Append(']');
                    break;
                case null:
                    text.Append("null");
                    break;
                default:
                    text.Append(node.ToJsonString(Deep));
                    break;
            }
        }

        // Objects lose, repeat or gain a key; arrays lose or repeat an item. False when the node is not a container or another mutation is chosen.
        bool MutateContainer(JsonNode? node)
        {
            if (node is JsonObject obj && obj.Count > 0 && random.Next(2) == 0)
            {
                var names = obj.Select(p => p.Key).ToArray();
                var pick = names[random.Next(names.Length)];
                var how = random.Next(3);
                text.Append('{');
                var first = true;
                foreach (var (name, value) in obj)
                {
                    if (how == 0 && name == pick) continue;
                    if (!first) text.Append(',');
                    first = false;
                    text.Append(JsonSerializer.Serialize(name)).Append(':');
                    WritePlain(value);
                    if (how == 1 && name == pick)
                    {
                        text.Append(',').Append(JsonSerializer.Serialize(name)).Append(':');
                        text.Append(random.Next(2) == 0 ? Replacement(random, value) : value?.ToJsonString(Deep) ?? "null");
                    }
                }
                if (how == 2) text.Append(first ? "" : ",").Append("\"unexpected\\n\":").Append(WrongTypes[random.Next(WrongTypes.Length)]);
                text.Append('}');
                return true;
            }
            if (node is JsonArray array && array.Count > 0 && random.Next(2) == 0)
            {
                var skip = random.Next(array.Count);
                var twice = random.Next(2) == 0;
                var parts = new List<string>();
                for (var i = 0; i < array.Count; i++)
                {
                    if (i == skip && !twice) continue;
                    parts.Add(array[i]?.ToJsonString(Deep) ?? "null");
                    if (i == skip) parts.Add(array[i]?.ToJsonString(Deep) ?? "null");
                }
                text.Append('[').AppendJoin(',', parts).Append(']');
                return true;
            }
            return false;
        }
    }

    /// <summary>What a value is replaced with: a wrong type, an odd number or string, deep nesting, or a variant of itself.</summary>
    private static string Replacement(Random random, JsonNode? node)
    {
        switch (random.Next(6))
        {
            case 0:
                return WrongTypes[random.Next(WrongTypes.Length)];
            case 1:
                return OddNumbers[random.Next(OddNumbers.Length)];
            case 2:
                return OddStrings[random.Next(OddStrings.Length)];
            case 3:
                var depth = random.Next(58, 70);
                return random.Next(2) == 0
                    ? new string('[', depth) + new string(']', depth)
                    : string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);
            case 4 when node is JsonValue value && value.GetValueKind() == JsonValueKind.String:
                // The same identifier with a trailing newline, or with a character that no identifier allows.
                var s = value.GetValue<string>();
                return JsonSerializer.Serialize(random.Next(2) == 0 ? s + "\n" : s + " x");
            case 4 when node is JsonValue number && number.GetValueKind() == JsonValueKind.Number:
                return random.Next(2) == 0 ? number.ToJsonString(Deep) + "e300" : "-" + number.ToJsonString(Deep) + ".5";
            default:
                return "\"" + new string('y', random.Next(1, 70_000)) + "\"";
        }
    }

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
