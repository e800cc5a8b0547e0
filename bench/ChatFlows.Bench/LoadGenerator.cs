using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;

namespace ChatFlows.Bench;

/// <summary>What one load run sends: the same signed POST, over <see cref="Connections"/> keep-alive connections.</summary>
internal sealed record LoadSpec(Uri Url, byte[] Body, IReadOnlyDictionary<string, string> Headers, int Connections, TimeSpan Duration);

/// <summary>What one load run measured. Latencies are from sending a request to reading its whole answer.</summary>
internal sealed record LoadResult(long Requests, double Seconds, double P50Ms, double P99Ms, long Errors, long Non2xx)
{
    public double RequestsPerSecond => Requests / Seconds;

    /// <summary>Requests answered 2xx.</summary>
    public long Answered => Requests - Non2xx;
}

/// <summary>
/// The load generator, always in its own process so that it does not share the target's: <c>wrk</c> when it is on
/// PATH (installed with apt-get when missing and running as root), otherwise this benchmark's own closed-loop
/// generator (<c>load</c> subcommand): each connection sends one request at a time, keep-alive, for the duration.
/// Both print one result line, <c>CFBENCH requests duration_us p50_us p99_us errors non2xx</c>.
/// </summary>
internal sealed class LoadGenerator
{
    private const string ResultPrefix = "CFBENCH ";
    private readonly string? _wrk;

    private LoadGenerator(string? wrk, string description)
    {
        _wrk = wrk;
        Description = description;
    }

    /// <summary>What is used, for the output: the tool, its version and path.</summary>
    public string Description { get; }

    /// <summary>wrk when present or installable, else the built-in generator; <paramref name="builtIn"/> forces the latter.</summary>
    public static async Task<LoadGenerator> ChooseAsync(bool builtIn, CancellationToken ct)
    {
        if (builtIn) return BuiltIn("asked for with --generator builtin");
        var wrk = FindOnPath("wrk");
        if (wrk is null && Environment.UserName == "root" && FindOnPath("apt-get") is not null)
        {
            Console.WriteLine("wrk is not on PATH; trying apt-get install -y wrk");
            var (code, _) = await RunToEndAsync("apt-get", ["install", "-y", "-q", "wrk"], ct);
            wrk = code == 0 ? FindOnPath("wrk") : null;
            if (wrk is null) Console.WriteLine($"apt-get install wrk failed (exit {code})");
        }
        if (wrk is null) return BuiltIn("wrk not found");
        // wrk -v prints its version and exits non-zero.
        var (_, output) = await RunToEndAsync(wrk, ["-v"], ct);
        var version = output.Split('\n').FirstOrDefault(l => l.StartsWith("wrk ", StringComparison.Ordinal))?.Split(" Copyright")[0].Trim() ?? "wrk";
        return new LoadGenerator(wrk, $"{version} ({wrk}), {Math.Min(Environment.ProcessorCount, 16)} threads at most, in its own process");
    }

    private static LoadGenerator BuiltIn(string why) =>
        new(null, $"built-in closed-loop generator (bench `load` subcommand, .NET HttpClient) in its own process — {why}");

    /// <summary>Runs one load against <paramref name="spec"/> in a new process and reads its result.</summary>
    public async Task<LoadResult> RunAsync(LoadSpec spec, string folder, CancellationToken ct)
    {
        ProcessStartInfo start;
        if (_wrk is not null)
        {
            var script = Path.Combine(folder, "load.lua");
            await File.WriteAllTextAsync(script, WrkScript(spec), ct);
            start = new ProcessStartInfo(_wrk);
            foreach (var arg in new[]
            {
                "-t", Math.Min(spec.Connections, Environment.ProcessorCount).ToString(CultureInfo.InvariantCulture),
                "-c", spec.Connections.ToString(CultureInfo.InvariantCulture),
                "-d", $"{(int)spec.Duration.TotalSeconds}s", "--timeout", "10s", "-s", script, spec.Url.ToString(),
            })
            {
                start.ArgumentList.Add(arg);
            }
        }
        else
        {
            var body = Path.Combine(folder, "load-body.bin");
            await File.WriteAllBytesAsync(body, spec.Body, ct);
            start = BenchSelf.StartInfo("load");
            start.ArgumentList.Add("--url");
            start.ArgumentList.Add(spec.Url.ToString());
            start.ArgumentList.Add("--connections");
            start.ArgumentList.Add(spec.Connections.ToString(CultureInfo.InvariantCulture));
            start.ArgumentList.Add("--seconds");
            start.ArgumentList.Add(((int)spec.Duration.TotalSeconds).ToString(CultureInfo.InvariantCulture));
            start.ArgumentList.Add("--body-file");
            start.ArgumentList.Add(body);
            foreach (var (name, value) in spec.Headers)
            {
                start.ArgumentList.Add("--header");
                start.ArgumentList.Add($"{name}: {value}");
            }
        }
        await using var generator = BenchProcesses.Start("the load generator", start, keepAllLines: true);
        await generator.Process.WaitForExitAsync(ct);
        generator.Process.WaitForExit();
        var line = generator.AllLines.FirstOrDefault(l => l.StartsWith(ResultPrefix, StringComparison.Ordinal));
        if (generator.Process.ExitCode != 0 || line is null)
        {
            throw new BenchException($"The load generator exited with code {generator.Process.ExitCode} without a result. Its last lines:{Environment.NewLine}{generator.Tail}");
        }
        var f = line[ResultPrefix.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        return new LoadResult(f[0], f[1] / 1e6, f[2] / 1e3, f[3] / 1e3, f[4], f[5]);
    }

    // wrk counts a status above 399 in errors.status; a 3xx would go unnoticed, and no target answers one.
    private static string WrkScript(LoadSpec spec)
    {
        var script = new StringBuilder();
        script.AppendLine("wrk.method = \"POST\"");
        script.AppendLine(CultureInfo.InvariantCulture, $"wrk.body = [==[{Encoding.UTF8.GetString(spec.Body)}]==]");
        foreach (var (name, value) in spec.Headers) script.AppendLine(CultureInfo.InvariantCulture, $"wrk.headers[\"{name}\"] = \"{value}\"");
        script.AppendLine("""
            done = function(summary, latency, requests)
              local e = summary.errors
              io.write(string.format("CFBENCH %d %d %d %d %d %d\n", summary.requests, summary.duration,
                latency:percentile(50), latency:percentile(99), e.connect + e.read + e.write + e.timeout, e.status))
            end
            """);
        return script.ToString();
    }

    /// <summary>The <c>load</c> subcommand: the built-in generator, printing the same result line as the wrk script.</summary>
    public static async Task<int> RunBuiltInAsync(string[] args)
    {
        var url = new Uri(Options.Text(args, "--url") ?? throw new BenchException("load: --url is required."));
        var connections = Options.Int(args, "--connections", 16);
        var seconds = Options.Int(args, "--seconds", 10);
        var body = await File.ReadAllBytesAsync(Options.Text(args, "--body-file") ?? throw new BenchException("load: --body-file is required."));
        var headers = args.Select((a, i) => (a, i)).Where(p => p.a == "--header" && p.i + 1 < args.Length).Select(p => args[p.i + 1].Split(':', 2)).ToArray();

        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionLifetime = Timeout.InfiniteTimeSpan, UseCookies = false };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
        var stopAt = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        long errors = 0, non2xx = 0;
        var started = Stopwatch.GetTimestamp();
        var latencies = await Task.WhenAll(Enumerable.Range(0, connections).Select(async _ =>
        {
            var mine = new List<double>(100_000);
            while (Stopwatch.GetTimestamp() < stopAt)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
                foreach (var header in headers)
                {
                    if (!request.Headers.TryAddWithoutValidation(header[0].Trim(), header[1].Trim())) request.Content.Headers.TryAddWithoutValidation(header[0].Trim(), header[1].Trim());
                }
                var begin = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await client.SendAsync(request);
                    await response.Content.LoadIntoBufferAsync();
                    mine.Add(Stopwatch.GetElapsedTime(begin).TotalMicroseconds);
                    if ((int)response.StatusCode is < 200 or > 299) Interlocked.Increment(ref non2xx);
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref errors);
                }
                catch (TaskCanceledException)
                {
                    Interlocked.Increment(ref errors);
                }
            }
            return mine;
        }));
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{ResultPrefix}{all.Length} {(long)elapsed} {(long)Percentile(all, 0.50)} {(long)Percentile(all, 0.99)} {errors} {non2xx}"));
        return 0;
    }

    private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];

    internal static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);

    /// <summary>Runs a short command to its end and returns its exit code and output (stdout and stderr).</summary>
    internal static async Task<(int Code, string Output)> RunToEndAsync(string file, string[] args, CancellationToken ct)
    {
        var start = new ProcessStartInfo(file);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        await using var process = BenchProcesses.Start(file, start, keepAllLines: true);
        await process.Process.WaitForExitAsync(ct);
        process.Process.WaitForExit();
        return (process.Process.ExitCode, string.Join('\n', process.AllLines));
    }
}

/// <summary>Starting this benchmark's own executable again, for the helper subcommands (<c>load</c>, <c>bare-kestrel</c>).</summary>
internal static class BenchSelf
{
    public static ProcessStartInfo StartInfo(string subcommand)
    {
        var start = new ProcessStartInfo("dotnet");
        start.ArgumentList.Add(typeof(BenchSelf).Assembly.Location);
        start.ArgumentList.Add(subcommand);
        return start;
    }
}

/// <summary>Command-line options as <c>--name value</c>.</summary>
internal static class Options
{
    public static string? Text(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    public static int Int(string[] args, string name, int fallback) =>
        Text(args, name) is { } text ? int.TryParse(text, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : throw new BenchException($"{name} must be a positive whole number, not '{text}'.") : fallback;

    public static int[] Ints(string[] args, string name, int fallback) =>
        Text(args, name) is { } text
            ? text.Split(',').Select(v => int.TryParse(v, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new BenchException($"{name} takes positive whole numbers separated by commas, not '{text}'.")).ToArray()
            : [fallback];
}
