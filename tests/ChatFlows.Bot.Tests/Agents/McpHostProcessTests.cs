using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using ChatFlows.Core.Tests.Mcp;
using Microsoft.Data.Sqlite;

namespace ChatFlows.Bot.Tests.Agents;

/// <summary>The real <c>chatflows</c> process with a stdio MCP server: stopped as a service manager stops it (SIGTERM), it takes the server's program with it.</summary>
public sealed class McpHostProcessTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly string _folder = Directory.CreateTempSubdirectory("chatflows-mcp-host-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        TestFolder.Delete(_folder);
    }

    [Fact]
    public async Task Sigterm_StdioServerRunning_HostExitsAndTheProgramIsGone()
    {
        var pidFile = Path.Combine(_folder, "calc.pids");
        var port = FreePort();
        using var host = HostProcess.Start(_folder, new Dictionary<string, string>
        {
            ["ChatFlows:Storage:ConnectionString"] = $"Data Source={Path.Combine(_folder, "chatflows.db")}",
            ["ChatFlows:Samples:Seed"] = "false",
            ["ChatFlows:Mcp:Servers:calc:Command"] = TestMcpServers.DotnetHost,
            ["ChatFlows:Mcp:Servers:calc:Args:0"] = TestMcpServers.ProgramPath,
            ["ChatFlows:Mcp:Servers:calc:Environment:CALC_PID_FILE"] = pidFile,
            ["ChatFlows:Mcp:Servers:calc:Environment:CALC_LINGER"] = "1",
        }, $"http://127.0.0.1:{port}");
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        await WaitUntilReadyAsync(client, host);
        var tools = await client.GetStringAsync("/api/agent-tools");
        Assert.Contains("mcp:calc/add", tools, StringComparison.Ordinal);
        var pid = int.Parse(Assert.Single(await File.ReadAllLinesAsync(pidFile)), CultureInfo.InvariantCulture);
        Assert.True(TestMcpServers.IsRunning(pid));

        using (var kill = Process.Start("kill", ["-TERM", host.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }
        await host.WaitForExitAsync(Patience);

        Assert.True(await TestMcpServers.EndsSoonAsync(pid), $"MCP server {pid} outlived the host. Host output:\n{host.Output}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task WaitUntilReadyAsync(HttpClient client, HostProcess host)
    {
        using var deadline = new CancellationTokenSource(Patience);
        while (true)
        {
            try
            {
                using var response = await client.GetAsync("/readyz", deadline.Token);
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            if (host.HasExited || deadline.IsCancellationRequested) Assert.Fail($"The host did not get ready. Its output:\n{host.Output}");
            await Task.Delay(100, CancellationToken.None);
        }
    }
}
