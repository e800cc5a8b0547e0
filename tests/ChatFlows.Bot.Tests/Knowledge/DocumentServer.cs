using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ChatFlows.Bot.Tests.Knowledge;

/// <summary>A local web server (127.0.0.1, a free port) serving one HTML page, <c>/runbook.html</c>, that knowledge bases fetch by URL.</summary>
internal sealed class DocumentServer : IAsyncDisposable
{
    public const string Page = """
        <!doctype html>
        <html><head><title>Queue runbook</title><script>track()</script></head>
        <body><h1>Queue backlog</h1><p>When the settlements queue passes ten thousand messages, scale the settlement workers to eight.</p></body></html>
        """;

    private readonly WebApplication _app;

    private DocumentServer(WebApplication app) => _app = app;

    /// <summary>The page's URL, <c>http://127.0.0.1:&lt;port&gt;/runbook.html</c>.</summary>
    public string PageUrl => _app.Urls.Single() + "/runbook.html";

    public static async Task<DocumentServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.MapGet("/runbook.html", () => Results.Content(Page, "text/html; charset=utf-8"));
        await app.StartAsync();
        return new DocumentServer(app);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
