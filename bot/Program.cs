using System.Reflection;
using ChatFlows.Bot.Access;
using ChatFlows.Bot.Chat;
using ChatFlows.Bot.Cli;
using ChatFlows.Bot.Hosting;
using ChatFlows.Bot.Playground;
using ChatFlows.Bot.Secrets;
using ChatFlows.Bot.Slack;
using ChatFlows.Bot.Teams;
using ChatFlows.Bot.Webhooks;
using ChatFlows.Canvas;
using ChatFlows.Canvas.Api;

// The one executable: `chatflows run|validate …` works offline on workflow files; anything else starts the host.
if (CommandLine.IsCommand(args)) return await CommandLine.RunAsync(args, Console.Out, Console.Error);

var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = HostSettings.Arguments(args),
    // wwwroot is copied beside the executable, so pages are served whatever the working directory (see the csproj).
    WebRootPath = Path.Combine(AppContext.BaseDirectory, "wwwroot"),
});
// Started from the repository root (dotnet run --project bot) or any other folder, the content root has no
// appsettings.json: the host's own, copied beside the executable, is read in its place, below the environment and
// the command line as usual.
HostSettings.ReadOwnSettingsWhenMissing(builder);
// A start that fails for a known reason (port in use, database locked, wrong setting) is one line on stderr, not a stack trace.
var started = false;
StartupFailure.QuietUntilStarted(builder, () => started);
// The canvas's scripts and styles ship in its Razor Class Library; serve them in every environment, not only Development.
builder.WebHost.UseStaticWebAssets();
builder.Services.AddChatFlowsCore(builder.Configuration).AddChat().AddWebhooks().AddPlayground().AddSlack(builder.Configuration).AddTeams().AddCanvas().AddAccess().AddSignIn(builder.Configuration)
    .AddTelemetry(builder.Configuration);
// Last, as the areas above add Data Protection again: its key ring is read on first use, not at start-up (README §Memory).
builder.Services.ReadKeyRingOnFirstUse();

var app = builder.Build();
app.Lifetime.ApplicationStarted.Register(() => started = true);
// Loopback on port 5080 unless --urls, ASPNETCORE_URLS, the Urls setting or a test host names other addresses.
if (string.IsNullOrEmpty(app.Configuration[WebHostDefaults.ServerUrlsKey]) && app.Urls.Count == 0) app.Urls.Add("http://localhost:5080");
// A reverse proxy on this machine names the real caller in X-Forwarded-For (only loopback proxies are believed).
app.UseForwardedClientAddress();
// Web pages the operator opens are not trusted callers: foreign host names, cross-site writes and non-JSON bodies are refused.
app.UseBrowserGuard();
// /api/w/{workspace}/… and /w/{workspace}/… address one workspace: the prefix comes off before routing (README §Workspaces and roles).
app.UseWorkspaceRoutes();
app.UseRouting();
// Before anything is served: other machines need the API key (the chat, webhook and health endpoints check callers themselves).
app.UseSignIn();
app.UseAccessGate();
// An unknown workspace, or a workflow or run of another workspace than the path's, is a 404 (README §Workspaces and roles).
app.UseWorkspaceScope();
app.UseStaticFiles();
// Every endpoint and page needs a role in the addressed workspace (README §Workspaces and roles).
app.UseRoleGate();
app.MapHealthEndpoints();
app.MapTelemetryEndpoints();
app.MapSignInEndpoints();
app.MapWebhookEndpoints();
app.MapPlaygroundEndpoints();
app.MapSlackEndpoints();
app.MapTeamsEndpoints();
app.MapCanvas();
var storage = StartupFailure.Storage(app.Configuration);
try
{
    await app.RunAsync();
}
// Only as its own executable: a test host that runs this entry point in its own process needs the exception itself.
catch (Exception error) when (!started && Assembly.GetEntryAssembly() == typeof(Program).Assembly && StartupFailure.Describe(error, storage) is { } line)
{
    app.Logger.LogDebug(error, "The host could not start");
    await Console.Error.WriteLineAsync(line);
    return 1;
}
return 0;

/// <summary>The host's entry point, visible to the tests' WebApplicationFactory.</summary>
public partial class Program;
