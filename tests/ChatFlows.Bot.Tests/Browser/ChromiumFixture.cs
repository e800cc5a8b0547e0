using Microsoft.Playwright;

namespace ChatFlows.Bot.Tests.Browser;

/// <summary>
/// Debian's Chromium (<c>/usr/bin/chromium</c>, which <c>./test.sh</c> installs), headless, driven by Playwright and
/// shared by the tests of a class. The browser reaches loopback only: background services are off and every other
/// address goes to a proxy that does not exist.
/// </summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private static readonly string[] Arguments =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
        // Loopback bypasses a proxy, so the test host is reached directly; anything else fails at once.
        "--proxy-server=http://127.0.0.1:9",
    ];

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException(
                $"The browser tests need Debian's Chromium at {ExecutablePath}, which is missing; run ./test.sh, which installs it (apt-get install chromium).");
        }
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = Arguments,
        });
    }

    /// <summary>
    /// A page in a fresh browser profile (its own local storage), on <paramref name="baseAddress"/>, recording console
    /// errors and uncaught page errors. <paramref name="name"/>, when given, is the Playground name it already picked.
    /// </summary>
    public async Task<BrowserPage> NewPageAsync(Uri baseAddress, string? name = null)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseAddress.ToString(), ViewportSize = new() { Width = 1280, Height = 800 } });
        context.SetDefaultTimeout(15_000);
        if (name is not null)
        {
            await context.AddInitScriptAsync($"localStorage.setItem('chatflows.playground.name', {System.Text.Json.JsonSerializer.Serialize(name)});");
        }
        var page = await context.NewPageAsync();
        return new BrowserPage(context, page);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
    }
}
