using McpTestServer;
using ModelContextProtocol.Server;

// The test MCP server on stdio: `dotnet McpTestServer.dll [name]`. It writes its process id to the file named by
// CALC_PID_FILE, if set, so that tests can see it stop with the host. It ends when its standard input closes, or,
// with CALC_LINGER=1, a minute later, as a server that does not watch its input would: only being stopped ends it sooner.
var name = args.FirstOrDefault() ?? "calc";
if (Environment.GetEnvironmentVariable("CALC_PID_FILE") is { Length: > 0 } pidFile)
{
    await File.AppendAllTextAsync(pidFile, Environment.ProcessId + Environment.NewLine);
}
await Console.Error.WriteLineAsync($"{name} ready");
await using var server = McpServer.Create(new StdioServerTransport(name), CalcTools.Options(name));
await server.RunAsync();
if (Environment.GetEnvironmentVariable("CALC_LINGER") == "1") await Task.Delay(TimeSpan.FromMinutes(1));
