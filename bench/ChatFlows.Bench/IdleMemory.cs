using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using ChatFlows.Bot.Webhooks;
using Fluid;
using Jint;
using Markdig;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Npgsql;
using Octokit;
using UglyToad.PdfPig;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;

namespace ChatFlows.Bench;

/// <summary>
/// Idle memory (README §Memory in bench/README.md): the real host as its own process in Production — SQLite in a temp
/// folder, the samples seeded — after one webhook run, a canvas page and an API list and a settle time, against a bare
/// Kestrel process in the same run; then what each large part costs, as the resident memory one bare Kestrel process
/// gains when it loads and uses that part, and whether the idle host has loaded it at all.
/// </summary>
internal static class IdleMemory
{
    private const string HookSecret = "bench-memory";

    // Each part: the assembly file whose mapping in /proc/<pid>/maps says the idle host has loaded it.
    private static readonly (string Part, string Assembly)[] Parts =
    [
        ("semantic-kernel", "Microsoft.SemanticKernel.Core.dll"),
        ("jint", "Jint.dll"),
        ("fluid", "Fluid.dll"),
        ("data-protection", "Microsoft.AspNetCore.DataProtection.dll"),
        ("openidconnect", "Microsoft.AspNetCore.Authentication.OpenIdConnect.dll"),
        ("mcp", "ModelContextProtocol.Core.dll"),
        ("npgsql", "Npgsql.dll"),
        ("markdig", "Markdig.dll"),
        ("pdfpig", "UglyToad.PdfPig.dll"),
        ("octokit", "Octokit.dll"),
    ];

    public static async Task<int> RunAsync(string[] args)
    {
        var settle = TimeSpan.FromSeconds(Option(args, "--settle", 10));
        var samples = Option(args, "--samples", 5);
        var extra = Environment(args);
        var skipParts = args.Contains("--no-parts");
        var mappings = args.Contains("--mappings");
        var assemblies = args.Contains("--assemblies");
        // `--host path/chatflows.dll` measures another build of the host, e.g. a ReadyToRun publish.
        var index = Array.IndexOf(args, "--host");
        var host = index >= 0 && index + 1 < args.Length ? Path.GetFullPath(args[index + 1]) : HostAssembly();
        // The probes run with the host's garbage collector and compilation settings (its runtimeconfig.json), or ones
        // given with --env, so that only the code differs.
        var runtime = RuntimeSettings(host, extra);
        Console.WriteLine($"Idle memory: settle {settle.TotalSeconds:0} s, median of {samples} samples 1 s apart; runtime {string.Join(", ", runtime.Select(e => $"{e.Key}={e.Value}"))}");
        if (extra.Count > 0) Console.WriteLine($"Extra environment: {string.Join(", ", extra.Select(e => $"{e.Key}={e.Value}"))}");

        var bare = await MeasureProbeAsync("none", runtime, settle, samples);
        var chatflows = await MeasureHostAsync(host, extra, settle, samples, mappings, assemblies);
        Console.WriteLine();
        Console.WriteLine("| process | VmRSS | RssAnon | RssFile | RssShmem | threads |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        Console.WriteLine(Row("bare Kestrel (minimal API)", bare.Memory));
        Console.WriteLine(Row("ChatFlows host, idle", chatflows.Memory));
        if (skipParts) return 0;

        var costs = new List<(string Part, bool Loaded, Sample Memory)>();
        foreach (var (part, assembly) in Parts)
        {
            var memory = (await MeasureProbeAsync(part, runtime, settle, samples)).Memory;
            costs.Add((part, chatflows.Assemblies.Contains(assembly), memory));
        }
        Console.WriteLine();
        Console.WriteLine("| part | loaded by the idle host | VmRSS over bare Kestrel | RssAnon over bare Kestrel |");
        Console.WriteLine("|---|---|---:|---:|");
        foreach (var (part, loaded, memory) in costs)
        {
            var rss = Mib(memory.VmRssKb - bare.Memory.VmRssKb);
            var anon = Mib(memory.RssAnonKb - bare.Memory.RssAnonKb);
            Console.WriteLine($"| {part} | {(loaded ? "yes" : "no")} | {rss} | {anon} |");
        }
        Console.WriteLine();
        Console.WriteLine("The host's resident memory at each step:");
        foreach (var (step, memory) in chatflows.Steps) Console.WriteLine($"  {step,-28} VmRSS {Mib(memory.VmRssKb),10}   RssAnon {Mib(memory.RssAnonKb),10}");
        return 0;
    }

    // The host as `dotnet chatflows.dll` in Production: a fresh SQLite database with the samples seeded.
    private static async Task<(Sample Memory, HashSet<string> Assemblies, List<(string Step, Sample Memory)> Steps)> MeasureHostAsync(
        string host, Dictionary<string, string> extra, TimeSpan settle, int samples, bool mappings, bool assemblies)
    {
        var folder = Directory.CreateTempSubdirectory("chatflows-bench-memory-").FullName;
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = folder };
        start.ArgumentList.Add(host);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ChatFlows__Storage__Provider"] = "sqlite";
        start.Environment["ChatFlows__Storage__ConnectionString"] = $"Data Source={Path.Combine(folder, "chatflows.db")}";
        start.Environment["ChatFlows__Storage__KeysDirectory"] = Path.Combine(folder, "keys");
        start.Environment["ChatFlows__Secrets__ORDER_HOOK"] = HookSecret;
        foreach (var (key, value) in extra) start.Environment[key] = value;
        using var process = Start(start, "host");
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(60) };
        try
        {
            await WaitUntilAnswersAsync(client, process);
            var steps = new List<(string, Sample)>();
            await Task.Delay(settle);
            steps.Add(("started", Read(process.Id)));

            var order = Encoding.UTF8.GetBytes("""{"orderId": "A-17", "quantity": 12, "packSize": 5}""");
            using (var request = new HttpRequestMessage(HttpMethod.Post, "hooks/order-webhook") { Content = new ByteArrayContent(order) })
            {
                request.Content.Headers.ContentType = new("application/json");
                request.Headers.Add(WebhookSignature.Header, WebhookSignature.Sign(HookSecret, order));
                await ExpectAsync(await client.SendAsync(request), "the order webhook");
            }
            await Task.Delay(settle);
            steps.Add(("after a webhook run", Read(process.Id)));
            await ExpectAsync(await client.GetAsync(""), "the canvas page");
            await Task.Delay(settle);
            steps.Add(("after a canvas page", Read(process.Id)));
            await ExpectAsync(await client.GetAsync("api/workflows"), "the workflow list");
            await Task.Delay(settle);
            var idle = Median(process.Id, samples);
            steps.Add(("after an API list (idle)", idle));
            if (mappings) PrintLargestMappings(process.Id);
            if (assemblies) PrintAssemblies(process.Id);
            return (idle, MappedAssemblies(process.Id), steps);
        }
        finally
        {
            await StopAsync(process);
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<(Sample Memory, HashSet<string> Assemblies)> MeasureProbeAsync(string part, Dictionary<string, string> runtime, TimeSpan settle, int samples)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(typeof(IdleMemory).Assembly.Location);
        start.ArgumentList.Add("memory-probe");
        start.ArgumentList.Add(part);
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in runtime) start.Environment[key] = value;
        using var process = Start(start, part);
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(60) };
        try
        {
            await WaitUntilAnswersAsync(client, process);
            await ExpectAsync(await client.GetAsync("use"), $"the {part} probe");
            await Task.Delay(settle);
            return (Median(process.Id, samples), MappedAssemblies(process.Id));
        }
        finally
        {
            await StopAsync(process);
        }
    }

    /// <summary>
    /// A bare Kestrel process (a minimal API, as <c>WebApplication.CreateSlimBuilder</c> makes it) that, on <c>GET
    /// /use</c>, loads one part and does with it what the host does the first time the part is needed.
    /// </summary>
    public static async Task<int> ProbeAsync(string[] args)
    {
        var part = args[0];
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(args[1]);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        if (part == "openidconnect")
        {
            builder.Services.AddAuthentication().AddCookie().AddOpenIdConnect(o =>
            {
                o.Authority = "https://login.example.com/";
                o.ClientId = "chatflows";
                o.SignInScheme = CookieAuthenticationDefaults.AuthenticationScheme;
            });
        }
        if (part == "data-protection")
        {
            builder.Services.AddDataProtection().SetApplicationName("ChatFlows")
                .PersistKeysToFileSystem(Directory.CreateTempSubdirectory("chatflows-bench-keys-"));
        }
        var app = builder.Build();
        app.MapGet("/healthz", () => "ok");
        app.MapGet("/use", (HttpContext context) => Use(part, context.RequestServices));
        await app.RunAsync();
        return 0;
    }

    private static string Use(string part, IServiceProvider services) => part switch
    {
        "none" => "nothing",
        "semantic-kernel" => UseSemanticKernel(),
        "jint" => new Engine().Evaluate("data => data.total > 100").ToString() + new Engine().Evaluate("[1, 2, 3].map(x => x * 2).join(',')"),
        "fluid" => new FluidParser().Parse("{{ order.quantity | times: order.price }} for {{ order.id | upcase }}")
            .Render(new TemplateContext(new { order = new { quantity = 7, price = 19.5, id = "o-1" } })),
        "data-protection" => services.GetRequiredService<IDataProtectionProvider>().CreateProtector("secrets").Protect("s3cret").Length.ToString(CultureInfo.InvariantCulture),
        "openidconnect" => services.GetRequiredService<IOptionsMonitor<OpenIdConnectOptions>>().Get(OpenIdConnectDefaults.AuthenticationScheme).ClientId!,
        "mcp" => typeof(ModelContextProtocol.Client.McpClient).Assembly.GetTypes().Length.ToString(CultureInfo.InvariantCulture),
        "npgsql" => UseNpgsql(),
        "markdig" => Markdown.ToHtml("# Release\n\n| a | b |\n|---|---|\n| **1** | [x](https://example.com) |", new MarkdownPipelineBuilder().UseAdvancedExtensions().DisableHtml().Build()),
        "pdfpig" => UsePdfPig(),
        "octokit" => new GitHubClient(new ProductHeaderValue("ChatFlows")).Connection.BaseAddress.ToString(),
        _ => throw new ArgumentException($"Unknown part '{part}'."),
    };

    // As AgentRunner builds a kernel for a model profile: an OpenAI chat completion service, resolved, not called.
    private static string UseSemanticKernel()
    {
        var builder = Kernel.CreateBuilder();
        builder.AddOpenAIChatCompletion("gpt-4o-mini", new Uri("http://127.0.0.1:9/v1"), "key");
        var kernel = builder.Build();
        kernel.Plugins.AddFromFunctions("tools", [KernelFunctionFactory.CreateFromMethod((string city) => $"sunny in {city}", "weather")]);
        return kernel.GetRequiredService<IChatCompletionService>().GetType().Name;
    }

    private static string UseNpgsql()
    {
        using var source = NpgsqlDataSource.Create("Host=127.0.0.1;Port=9;Database=chatflows;Username=chatflows;Timeout=1");
        using var command = source.CreateCommand("select 1");
        return command.CommandText;
    }

    // A one-page PDF written and read back, as knowledge indexing reads an uploaded document.
    private static string UsePdfPig()
    {
        var builder = new PdfDocumentBuilder();
        var page = builder.AddPage(UglyToad.PdfPig.Content.PageSize.A4);
        page.AddText("Runbook: restart the queue", 12, new UglyToad.PdfPig.Core.PdfPoint(50, 700), builder.AddStandard14Font(Standard14Font.Helvetica));
        using var document = PdfDocument.Open(builder.Build());
        return document.GetPage(1).Text;
    }

    private static Process Start(ProcessStartInfo start, string name)
    {
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"{name}: {e.Data}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task StopAsync(Process process)
    {
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }

    private static async Task WaitUntilAnswersAsync(HttpClient client, Process process)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(90))
        {
            if (process.HasExited) throw new InvalidOperationException($"The process exited with {process.ExitCode}.");
            try
            {
                using var ready = await client.GetAsync("healthz");
                if (ready.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(100);
        }
        throw new TimeoutException("The process did not answer /healthz within 90 s.");
    }

    private static async Task ExpectAsync(HttpResponseMessage response, string what)
    {
        using (response)
        {
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{what} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    // The host's own build output, so that its runtimeconfig.json (garbage collector settings) is the one measured.
    private static string HostAssembly()
    {
        var beside = Path.Combine(AppContext.BaseDirectory, "chatflows.dll");
        var repository = AppContext.BaseDirectory;
        while (repository is not null && !File.Exists(Path.Combine(repository, "ChatFlows.sln"))) repository = Path.GetDirectoryName(repository.TrimEnd('/'));
        var own = repository is null ? null : Path.Combine(repository, "bot", "bin", "Release", "net10.0", "chatflows.dll");
        return own is not null && File.Exists(own) ? own : beside;
    }

    private static Dictionary<string, string> RuntimeSettings(string host, Dictionary<string, string> extra)
    {
        using var config = JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(host, ".runtimeconfig.json")));
        var options = config.RootElement.GetProperty("runtimeOptions").TryGetProperty("configProperties", out var p) ? p : default;
        var settings = new Dictionary<string, string>
        {
            ["DOTNET_gcServer"] = Flag(options, "System.GC.Server"),
            ["DOTNET_gcConcurrent"] = Flag(options, "System.GC.Concurrent", fallback: "1"),
        };
        if (options.ValueKind == JsonValueKind.Object && options.TryGetProperty("System.GC.ConserveMemory", out var conserve)) settings["DOTNET_GCConserveMemory"] = conserve.ToString();
        if (options.ValueKind == JsonValueKind.Object && options.TryGetProperty("System.GC.DynamicAdaptationMode", out var adaptation)) settings["DOTNET_GCDynamicAdaptationMode"] = adaptation.ToString();
        if (options.ValueKind == JsonValueKind.Object && options.TryGetProperty("System.Runtime.TieredCompilation.CallCountThreshold", out var calls)) settings["DOTNET_TC_CallCountThreshold"] = calls.GetInt32().ToString("x", CultureInfo.InvariantCulture); // the runtime reads this variable as hexadecimal
        foreach (var (key, value) in extra) settings[key] = value;
        return settings;
    }

    private static string Flag(JsonElement options, string name, string fallback = "0") =>
        options.ValueKind == JsonValueKind.Object && options.TryGetProperty(name, out var value) ? (value.GetBoolean() ? "1" : "0") : fallback;

    // `--env KEY=VALUE` (repeatable): given to the host and the probes, to try a runtime setting without rebuilding.
    private static Dictionary<string, string> Environment(string[] args)
    {
        var result = new Dictionary<string, string>();
        for (var i = 0; i + 1 < args.Length; i++)
        {
            if (args[i] != "--env") continue;
            var pair = args[i + 1].Split('=', 2);
            if (pair.Length != 2) throw new ArgumentException($"--env takes KEY=VALUE, not '{args[i + 1]}'.");
            result[pair[0]] = pair[1];
        }
        return result;
    }

    private static Sample Median(int pid, int samples)
    {
        var taken = new List<Sample>();
        for (var i = 0; i < samples; i++)
        {
            if (i > 0) Thread.Sleep(1000);
            taken.Add(Read(pid));
        }
        return taken.OrderBy(s => s.VmRssKb).ElementAt(taken.Count / 2);
    }

    private static Sample Read(int pid)
    {
        var values = File.ReadLines($"/proc/{pid}/status")
            .Select(line => line.Split(':', 2))
            .Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0], pair => pair[1].Trim());
        long Kb(string key) => values.TryGetValue(key, out var v) ? long.Parse(v.Split(' ')[0], CultureInfo.InvariantCulture) : 0;
        return new Sample(Kb("VmRSS"), Kb("RssAnon"), Kb("RssFile"), Kb("RssShmem"), (int)Kb("Threads"));
    }

    // `--assemblies`: every assembly the idle host has mapped, with what of it is resident, largest first; what is
    // loaded but not needed at idle shows here first.
    private static void PrintAssemblies(int pid)
    {
        var sizes = ResidentByFile(pid).Where(s => s.Key.EndsWith(".dll", StringComparison.Ordinal)).ToList();
        Console.WriteLine($"Assemblies mapped by the idle host ({sizes.Count}, {Mib(sizes.Sum(s => s.Value))} resident):");
        foreach (var (name, kb) in sizes.OrderByDescending(s => s.Value)) Console.WriteLine($"  {Mib(kb),10}  {Path.GetFileName(name)}");
    }

    // `--mappings`: the idle host's 25 largest resident mappings, by file (or [anon], [heap], memfd:…), from smaps.
    private static void PrintLargestMappings(int pid)
    {
        Console.WriteLine("Largest resident mappings of the idle host:");
        foreach (var (name, kb) in ResidentByFile(pid).OrderByDescending(s => s.Value).Take(25)) Console.WriteLine($"  {Mib(kb),10}  {name}");
    }

    // Resident kilobytes per mapped file (or [anon], [heap], memfd:…), from /proc/<pid>/smaps.
    private static Dictionary<string, long> ResidentByFile(int pid)
    {
        var sizes = new Dictionary<string, long>();
        var current = "";
        foreach (var line in File.ReadLines($"/proc/{pid}/smaps"))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length > 0 && fields[0].Contains('-', StringComparison.Ordinal) && !fields[0].EndsWith(':')) current = fields.Length >= 6 ? string.Join(' ', fields[5..]) : "[anon]";
            else if (fields.Length >= 2 && fields[0] == "Rss:") sizes[current] = sizes.GetValueOrDefault(current) + long.Parse(fields[1], CultureInfo.InvariantCulture);
        }
        return sizes;
    }

    private static HashSet<string> MappedAssemblies(int pid) =>
        File.ReadLines($"/proc/{pid}/maps")
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length >= 6 && fields[5].EndsWith(".dll", StringComparison.Ordinal))
            .Select(fields => Path.GetFileName(fields[5]))
            .ToHashSet(StringComparer.Ordinal);

    private static string Row(string name, Sample s) => $"| {name} | {Mib(s.VmRssKb)} | {Mib(s.RssAnonKb)} | {Mib(s.RssFileKb)} | {Mib(s.RssShmemKb)} | {s.Threads} |";

    private static string Mib(long kb) => string.Create(CultureInfo.InvariantCulture, $"{kb / 1024.0:0.0} MiB");

    private static int Option(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private readonly record struct Sample(long VmRssKb, long RssAnonKb, long RssFileKb, long RssShmemKb, int Threads);
}
