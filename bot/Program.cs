using ChatFlows.Bot.Chat;
using ChatFlows.Bot.Cli;
using ChatFlows.Bot.Hosting;
using ChatFlows.Bot.Webhooks;
using ChatFlows.Canvas;

// The one executable: `chatflows run|validate …` works offline on workflow files; anything else starts the host.
if (CommandLine.IsCommand(args)) return await CommandLine.RunAsync(args, Console.Out, Console.Error);

var builder = WebApplication.CreateBuilder(args.SkipWhile(a => a == "serve").ToArray());
builder.Services.AddChatFlowsCore(builder.Configuration).AddChat().AddWebhooks().AddCanvas();

var app = builder.Build();
app.MapHealthEndpoints();
app.MapWebhookEndpoints();
app.MapCanvas();
await app.RunAsync();
return 0;

/// <summary>The host's entry point, visible to the tests' WebApplicationFactory.</summary>
public partial class Program;
