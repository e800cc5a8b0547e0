using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace ChatFlows.Bench;

/// <summary>
/// The real host as its own process (<c>chatflows.dll</c>, Production, SQLite in <see cref="Folder"/>, default
/// settings otherwise — its Information logs included, read and counted rather than shown).
/// </summary>
internal sealed class ChatFlowsHost : IAsyncDisposable
{
    private ChatFlowsHost(ChildProcess process, string folder, Uri address)
    {
        Process = process;
        Folder = folder;
        Address = address;
    }

    public ChildProcess Process { get; }

    public string Folder { get; }

    public Uri Address { get; }

    public string DatabasePath => Path.Combine(Folder, "chatflows.db");

    /// <summary>The host to start: <c>--host path/to/chatflows.dll</c>, else the build beside the benchmark.</summary>
    public static string Dll(string[] args)
    {
        var dll = Options.Text(args, "--host") is { } given ? Path.GetFullPath(given) : Path.Combine(AppContext.BaseDirectory, "chatflows.dll");
        return File.Exists(dll) ? dll : throw new BenchException($"The ChatFlows host {dll} does not exist; build it (dotnet build -c Release) or pass --host path/to/chatflows.dll.");
    }

    public static async Task<ChatFlowsHost> StartAsync(string dll, string folder, CancellationToken ct)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = folder };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ChatFlows__Storage__ConnectionString"] = $"Data Source={Path.Combine(folder, "chatflows.db")}";
        start.Environment["ChatFlows__Storage__KeysDirectory"] = Path.Combine(folder, "keys");
        var host = new ChatFlowsHost(BenchProcesses.Start("ChatFlows (chatflows.dll)", start), folder, new Uri($"http://127.0.0.1:{port}/"));
        await WaitUntilAnsweringAsync(host.Process, new Uri(host.Address, "readyz"), onlySuccess: true, ct);
        return host;
    }

    /// <summary>Creates a workflow through the API, as a user would.</summary>
    public async Task CreateWorkflowAsync(JsonObject document, CancellationToken ct)
    {
        if (await TryCreateWorkflowAsync(document, ct) is { } refusal) throw new BenchException(refusal);
    }

    /// <summary>Creates a workflow through the API; null when created, else what the host answered.</summary>
    public async Task<string?> TryCreateWorkflowAsync(JsonObject document, CancellationToken ct)
    {
        using var client = new HttpClient { BaseAddress = Address };
        using var content = new StringContent(document.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(new Uri("api/workflows", UriKind.Relative), content, ct);
        return response.StatusCode == HttpStatusCode.Created
            ? null
            : $"ChatFlows refused the benchmark's workflow '{document["id"]}' with {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}";
    }

    public async ValueTask DisposeAsync() => await Process.DisposeAsync();

    /// <summary>Polls <paramref name="url"/> until it answers (2xx when <paramref name="onlySuccess"/>), for at most 90 s.</summary>
    public static async Task WaitUntilAnsweringAsync(ChildProcess process, Uri url, bool onlySuccess, CancellationToken ct)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(90))
        {
            process.ThrowIfExited("before it was ready");
            try
            {
                using var answer = await client.GetAsync(url, ct);
                if (!onlySuccess || answer.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                // Still starting.
            }
            await Task.Delay(100, ct);
        }
        process.Kill();
        throw new BenchException($"{process.Name} did not answer {url} within 90 s. Its last lines:{Environment.NewLine}{process.Tail}");
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
