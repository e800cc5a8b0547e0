using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ChatFlows.Bot.Tests.Cluster;

/// <summary>
/// One real <c>chatflows</c> process of a <see cref="TestCluster"/>, on a loopback port of its own, which a test can
/// kill outright (SIGKILL), stop (SIGSTOP: the process is frozen, its sockets and leases untouched, as a machine that
/// pauses for a long garbage collection or a hypervisor stall) and let go on (SIGCONT).
/// </summary>
internal sealed class ClusterMember : IDisposable
{
    private readonly HostProcess _process;

    private ClusterMember(string name, string folder, HostProcess process, Uri baseAddress)
    {
        Name = name;
        Folder = folder;
        _process = process;
        BaseAddress = baseAddress;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>Its name (A, B, C…): the <c>X-Instance</c> its witness calls carry; its InstanceId is <c>cluster-</c> and this.</summary>
    public string Name { get; }

    /// <summary>Its working folder.</summary>
    public string Folder { get; }

    public Uri BaseAddress { get; }

    /// <summary>A client on its address, over real HTTP.</summary>
    public HttpClient Client { get; }

    /// <summary>False once killed.</summary>
    public bool IsAlive { get; private set; } = true;

    /// <summary>True between <see cref="Stop"/> and <see cref="Continue"/>.</summary>
    public bool IsStopped { get; private set; }

    /// <summary>What it printed, for failure messages.</summary>
    public string Output => _process.Output;

    /// <summary>Starts the process with the given settings on a free loopback port; it answers once <see cref="WaitReadyAsync"/> returns.</summary>
    public static ClusterMember Start(string name, IReadOnlyDictionary<string, string> settings)
    {
        var folder = Directory.CreateTempSubdirectory($"chatflows-cluster-{name}-").FullName;
        var port = FreePort();
        var process = HostProcess.Start(folder, settings, $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
        return new ClusterMember(name, folder, process, new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/"));
    }

    /// <summary>Waits until <c>/readyz</c> answers 200 (the database answers and the schema is migrated).</summary>
    public async Task WaitReadyAsync(TimeSpan patience)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited) Assert.Fail($"Instance {Name} ended before it was ready. It printed:\n{Output}");
            try
            {
                using var ready = await Client.GetAsync("readyz");
                if (ready.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            if (clock.Elapsed > patience) Assert.Fail($"Instance {Name} was not ready within {patience.TotalSeconds:0} s. It printed:\n{Output}");
            await Task.Delay(100);
        }
    }

    /// <summary>SIGKILL: the process ends at once, nothing flushed or released.</summary>
    public async Task KillAsync()
    {
        IsAlive = false;
        await _process.KillAsync();
    }

    /// <summary>SIGSTOP: the process is frozen where it is; its leases run out while it does nothing.</summary>
    public void Stop()
    {
        Signal("STOP");
        IsStopped = true;
    }

    /// <summary>SIGCONT: the frozen process goes on where it was, unaware that time passed.</summary>
    public void Continue()
    {
        Signal("CONT");
        IsStopped = false;
    }

    public void Dispose()
    {
        if (IsStopped) Continue();
        Client.Dispose();
        _process.Dispose();
        TestFolder.Delete(Folder);
    }

    private void Signal(string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-" + signal, _process.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })
            ?? throw new InvalidOperationException("kill did not start.");
        kill.WaitForExit();
        Assert.True(kill.ExitCode == 0, $"kill -{signal} {_process.Id} failed with exit code {kill.ExitCode}.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
