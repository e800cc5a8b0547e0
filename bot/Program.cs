using ChatFlows.Bot.Chat;
using ChatFlows.Bot.Cli;
using ChatFlows.Bot.Hosting;
using ChatFlows.Bot.Playground;
using ChatFlows.Bot.Slack;
using ChatFlows.Bot.Teams;
using ChatFlows.Bot.Webhooks;
using ChatFlows.Canvas;

// The one executable: `chatflows run|validate …` works offline on workflow files; anything else starts the host.
if (CommandLine.IsCommand(args)) return await CommandLine.RunAsync(args, Console.Out, Console.Error);

var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args.SkipWhile(a => a == "serve").ToArray(),
    // wwwroot is copied beside the executable, so pages are served whatever the working directory (see the csproj).
    WebRootPath = Path.Combine(AppContext.BaseDirectory, "wwwroot"),
});
builder.Services.AddChatFlowsCore(builder.Configuration).AddChat().AddWebhooks().AddPlayground().AddSlack(builder.Configuration).AddTeams().AddCanvas();

var app = builder.Build();
// Loopback on port 5080 unless --urls, ASPNETCORE_URLS, the Urls setting or a test host names other addresses.
if (string.IsNullOrEmpty(app.Configuration[WebHostDefaults.ServerUrlsKey]) && app.Urls.Count == 0) app.Urls.Add("http://localhost:5080");
app.UseStaticFiles();
app.MapHealthEndpoints();
app.MapWebhookEndpoints();
app.MapPlaygroundEndpoints();
app.MapSlackEndpoints();
app.MapTeamsEndpoints();
app.MapCanvas();
await app.RunAsync();
return 0;

/// <summary>The host's entry point, visible to the tests' WebApplicationFactory.</summary>
public partial class Program;
