using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ChatFlows.Bench;

/// <summary>
/// Node-RED as a comparison target: installed with npm into a cache folder when missing (5.x needs Node 22.9 or
/// later, so Node 20 gets the latest 4.x), started with a flow equivalent to the benchmark's workflow — http in
/// (raw body) → function (verify the HMAC with node's crypto, parse, compute) → switch (total &gt; 100) → change
/// (tier) → http response — with a temp userDir, no editor, on a free loopback port. Node-RED stores nothing.
/// </summary>
internal static class NodeRed
{
    /// <summary>Node's version when <c>node</c> is on PATH, else null.</summary>
    public static async Task<string?> NodeVersionAsync(CancellationToken ct)
    {
        if (LoadGenerator.FindOnPath("node") is not { } node) return null;
        var (code, output) = await LoadGenerator.RunToEndAsync(node, ["--version"], ct);
        return code == 0 ? output.Trim() : null;
    }

    /// <summary>The path of Node-RED's red.js and its version, installing it into <paramref name="cache"/> first when missing.</summary>
    public static async Task<(string RedJs, string Version)> EnsureInstalledAsync(string cache, string nodeVersion, CancellationToken ct)
    {
        var package = Path.Combine(cache, "node_modules", "node-red", "package.json");
        if (!File.Exists(package))
        {
            var major = int.Parse(nodeVersion.TrimStart('v').Split('.')[0], CultureInfo.InvariantCulture);
            var wanted = major >= 22 ? "node-red@5" : "node-red@4";
            var npm = LoadGenerator.FindOnPath("npm") ?? throw new BenchException("Node-RED is not installed and npm is not on PATH to install it; install npm or leave node-red out of --targets.");
            Directory.CreateDirectory(cache);
            Console.WriteLine($"Installing {wanted} into {cache} (npm, once)");
            var (code, output) = await LoadGenerator.RunToEndAsync(npm, ["install", "--prefix", cache, "--no-audit", "--no-fund", "--omit=dev", wanted], ct);
            if (code != 0 || !File.Exists(package)) throw new BenchException($"npm install {wanted} failed (exit {code}):{Environment.NewLine}{output}");
        }
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(package, ct));
        return (Path.Combine(cache, "node_modules", "node-red", "red.js"), json.RootElement.GetProperty("version").GetString() ?? "?");
    }

    /// <summary>Where Node-RED is cached between runs: <c>$XDG_CACHE_HOME</c> or <c>~/.cache</c>, then <c>chatflows-bench/node-red</c>.</summary>
    public static string DefaultCache()
    {
        var cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(cache, "chatflows-bench", "node-red");
    }

    public static async Task<ChildProcess> StartAsync(string redJs, string folder, int port, CancellationToken ct)
    {
        var userDir = Directory.CreateDirectory(Path.Combine(folder, "node-red")).FullName;
        await File.WriteAllTextAsync(Path.Combine(userDir, "flows.json"), Flow().ToJsonString(new JsonSerializerOptions { WriteIndented = true }), ct);
        await File.WriteAllTextAsync(Path.Combine(userDir, "settings.js"), $$"""
            module.exports = {
                uiHost: "127.0.0.1",
                uiPort: {{port}},
                userDir: {{JsonSerializer.Serialize(userDir)}},
                flowFile: "flows.json",
                credentialSecret: false,
                // No editor or admin API: only the flow's own HTTP endpoints, as a production flow would serve.
                httpAdminRoot: false,
                functionGlobalContext: { crypto: require("crypto") },
                logging: { console: { level: "warn", metrics: false, audit: false } },
                externalModules: { autoInstall: false },
                diagnostics: { enabled: false },
                telemetry: { enabled: false },
            };
            """, ct);
        var start = new ProcessStartInfo(LoadGenerator.FindOnPath("node") ?? "node") { WorkingDirectory = userDir };
        foreach (var arg in new[] { redJs, "--settings", Path.Combine(userDir, "settings.js"), "--userDir", userDir }) start.ArgumentList.Add(arg);
        start.Environment["NODE_ENV"] = "production";
        return BenchProcesses.Start("Node-RED", start);
    }

    // Node ids are prefixed: Node-RED takes any property equal to a node id (a tier named "large") for a reference.
    // The HMAC is checked over the raw body (skipBodyParsing), exactly as ChatFlows and the bare endpoint check it.
    private static JsonArray Flow()
    {
        const string Verify = """
            const crypto = global.get("crypto");
            const raw = msg.payload;
            const given = String(msg.req.get("x-chatflows-signature") || "");
            const expected = "sha256=" + crypto.createHmac("sha256", "bench-secret").update(raw).digest("hex");
            if (given.length !== expected.length || !crypto.timingSafeEqual(Buffer.from(given), Buffer.from(expected))) {
                msg.statusCode = 401;
                msg.payload = { error: "bad signature" };
                return [null, msg];
            }
            const order = JSON.parse(raw.toString("utf8"));
            msg.payload = { orderId: order.orderId, total: order.quantity * order.price };
            return [msg, null];
            """;
        JsonObject Tier(string id, string tier) => new()
        {
            ["id"] = id,
            ["type"] = "change",
            ["z"] = "bench",
            ["name"] = tier,
            ["rules"] = new JsonArray(new JsonObject { ["t"] = "set", ["p"] = "payload.tier", ["pt"] = "msg", ["to"] = tier, ["tot"] = "str" }),
            ["wires"] = new JsonArray(new JsonArray("n-respond")),
        };
        return new JsonArray(
            new JsonObject { ["id"] = "bench", ["type"] = "tab", ["label"] = "bench" },
            new JsonObject
            {
                ["id"] = "n-hook",
                ["type"] = "http in",
                ["z"] = "bench",
                ["url"] = "/hooks/order-total",
                ["method"] = "post",
                ["upload"] = false,
                ["skipBodyParsing"] = true,
                ["swaggerDoc"] = "",
                ["wires"] = new JsonArray(new JsonArray("n-set")),
            },
            new JsonObject
            {
                ["id"] = "n-set",
                ["type"] = "function",
                ["z"] = "bench",
                ["func"] = Verify,
                ["outputs"] = 2,
                ["wires"] = new JsonArray(new JsonArray("n-if"), new JsonArray("n-respond")),
            },
            new JsonObject
            {
                ["id"] = "n-if",
                ["type"] = "switch",
                ["z"] = "bench",
                ["property"] = "payload.total",
                ["propertyType"] = "msg",
                ["rules"] = new JsonArray(new JsonObject { ["t"] = "gt", ["v"] = "100", ["vt"] = "num" }, new JsonObject { ["t"] = "else" }),
                ["checkall"] = "false",
                ["outputs"] = 2,
                ["wires"] = new JsonArray(new JsonArray("n-large"), new JsonArray("n-small")),
            },
            Tier("n-large", "large"),
            Tier("n-small", "small"),
            new JsonObject { ["id"] = "n-respond", ["type"] = "http response", ["z"] = "bench", ["statusCode"] = "", ["headers"] = new JsonObject(), ["wires"] = new JsonArray() });
    }
}
