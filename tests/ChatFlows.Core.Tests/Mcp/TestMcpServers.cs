using System.Net;
using ChatFlows.Core.Mcp;
using McpTestServer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.AspNetCore;

namespace ChatFlows.Core.Tests.Mcp;

/// <summary>The test MCP server <c>calc</c> (tests/McpTestServer) as a program on stdio, and on Kestrel over streamable HTTP.</summary>
internal static class TestMcpServers
{
    /// <summary>The header the HTTP server requires, and the value it wants.</summary>
    public const string ApiKeyHeader = "X-Calc-Key";

    public const string ApiKey = "calc-secret-7";

    /// <summary>
    /// The test server's program in its own output folder (tests/McpTestServer/bin/&lt;configuration&gt;/net10.0), where
    /// its dependencies are; the copy beside the tests would load theirs.
    /// </summary>
    public static string ProgramPath
    {
        get
        {
            var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var configuration = output.Parent!.Name;
            var tests = output.Parent.Parent!.Parent!.Parent!.FullName;
            return Path.Combine(tests, "McpTestServer", "bin", configuration, output.Name, "McpTestServer.dll");
        }
    }

    /// <summary>Settings starting the test server with the dotnet host running the tests.</summary>
    public static McpServerOptions Stdio(IDictionary<string, string>? environment = null) => new()
    {
        Command = DotnetHost,
        Args = [ProgramPath],
        Environment = new Dictionary<string, string>(environment ?? new Dictionary<string, string>(), StringComparer.Ordinal),
        Timeout = TimeSpan.FromSeconds(30),
    };

    /// <summary>The dotnet executable: the one <c>dotnet test</c> names, else the one on the PATH.</summary>
    public static string DotnetHost => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    /// <summary>Clients for the given servers.</summary>
    public static McpClients Clients(params (string Name, McpServerOptions Settings)[] servers) =>
        new(new McpOptions { Servers = servers.ToDictionary(s => s.Name, s => s.Settings, StringComparer.Ordinal) });

    /// <summary>The calc tools over streamable HTTP at <c>http://127.0.0.1:&lt;port&gt;/mcp</c>, refusing requests without <see cref="ApiKeyHeader"/>.</summary>
    public static async Task<WebApplication> StartHttpAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Services.AddMcpServer(o => o.ServerInfo = new() { Name = "calc", Version = "1.0.0" }).WithHttpTransport(o => o.Stateless = false).WithTools(CalcTools.All);
        var app = builder.Build();
        app.Use(async (http, next) =>
        {
            if (http.Request.Headers[ApiKeyHeader] != ApiKey)
            {
                http.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return;
            }
            await next(http);
        });
        app.MapMcp("/mcp");
        await app.StartAsync();
        return app;
    }

    /// <summary>True while process <paramref name="pid"/> runs; a killed one the system has not yet reaped (a zombie) does not.</summary>
    public static bool IsRunning(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            if (process.HasExited) return false;
        }
        catch (ArgumentException)
        {
            return false;
        }
        // /proc/<pid>/stat reads "pid (name) state …"; Z is a process that has ended and only waits to be reaped.
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].FirstOrDefault() != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>
    /// True once process <paramref name="pid"/> has ended, waiting up to fifteen seconds: a closed client gives the program
    /// its five-second shutdown time before killing it, and a busy machine may take a moment more to show it gone.
    /// </summary>
    public static async Task<bool> EndsSoonAsync(int pid)
    {
        var until = DateTime.UtcNow.AddSeconds(15);
        while (IsRunning(pid))
        {
            if (DateTime.UtcNow > until) return false;
            await Task.Delay(50);
        }
        return true;
    }
}
