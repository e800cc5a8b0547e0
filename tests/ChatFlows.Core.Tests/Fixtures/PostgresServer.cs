using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace ChatFlows.Core.Tests.Fixtures;

/// <summary>
/// A private PostgreSQL cluster for tests run without <c>./test.sh</c> (README §Tests), started at most once per test
/// process by <see cref="TestDatabases"/>: initdb and pg_ctl in a temporary folder, listening on
/// a free port on 127.0.0.1 with trust authentication and its socket in the same folder; stopped and deleted on
/// dispose. As root, the server runs as the <c>postgres</c> system user, since PostgreSQL refuses to run as root.
/// A server that cannot start fails the tests with what it logged; nothing is skipped.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly string _folder = Directory.CreateTempSubdirectory("chatflows-pg-").FullName;

    /// <summary>The port the server listens on.</summary>
    public int Port { get; private set; }

    private string Data => Path.Combine(_folder, "data");

    private string Log => Path.Combine(_folder, "server.log");

    /// <summary>The connection string of the superuser's maintenance database.</summary>
    public string AdminConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=false";

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var bin = FindBinaries();
        if (Environment.UserName == "root") await RunAsync("chown", ["-R", "postgres", _folder]);
        await RunAsServerAsync(Path.Combine(bin, "initdb"), ["-D", Data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"]);
        Port = FreePort();
        var options = $"-p {Port} -k {_folder} -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
        try
        {
            await RunAsServerAsync(Path.Combine(bin, "pg_ctl"), ["-D", Data, "-l", Log, "-o", options, "-w", "-t", "60", "start"]);
        }
        catch (InvalidOperationException ex)
        {
            var log = File.Exists(Log) ? await File.ReadAllTextAsync(Log) : "(no log)";
            throw new InvalidOperationException($"PostgreSQL did not start on 127.0.0.1:{Port}: {ex.Message}\nServer log:\n{log}", ex);
        }
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            if (Directory.Exists(Data) && Port != 0) await RunAsServerAsync(Path.Combine(FindBinaries(), "pg_ctl"), ["-D", Data, "-m", "immediate", "-w", "stop"]);
        }
        finally
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    // Debian installs the server binaries off the PATH, under /usr/lib/postgresql/<version>/bin.
    private static string FindBinaries()
    {
        var versions = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0).ToArray()
            : [];
        if (versions.Length > 0) return versions[0];
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")));
        return onPath ?? throw new InvalidOperationException(
            "The PostgreSQL server binaries (initdb, pg_ctl) are missing; install postgresql-15 (./test.sh does) and run the tests again.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static Task RunAsServerAsync(string program, string[] arguments) => Environment.UserName == "root"
        ? RunAsync("runuser", ["-u", "postgres", "--", program, .. arguments])
        : RunAsync(program, arguments);

    private static async Task RunAsync(string program, string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(Patience);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await errors}{await output}");
        }
    }
}
