using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace ChatFlows.Bot.Tests.Browser;

/// <summary>A page in its own browser profile that remembers every console error and uncaught script error.</summary>
public sealed class BrowserPage : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _errors = new();

    public BrowserPage(IBrowserContext context, IPage page)
    {
        Context = context;
        Page = page;
        page.Console += (_, message) =>
        {
            if (message.Type == "error") _errors.Enqueue($"console: {message.Text} ({message.Location})");
        };
        page.PageError += (_, error) => _errors.Enqueue($"page error: {error}");
    }

    public IBrowserContext Context { get; }

    public IPage Page { get; }

    /// <summary>Every error the page reported so far.</summary>
    public IReadOnlyList<string> Errors => _errors.ToArray();

    /// <summary>Opens the Playground (at <paramref name="channel"/>, when given) and waits until its history has loaded.</summary>
    public async Task OpenPlaygroundAsync(string? channel = null)
    {
        await Page.GotoAsync(channel is null ? "/playground" : $"/playground#{channel}");
        await WaitUntilReadyAsync();
    }

    /// <summary>Waits for the page's first history load (it sets <c>window.playgroundReady</c>).</summary>
    public Task WaitUntilReadyAsync() => Page.WaitForFunctionAsync("() => window.playgroundReady === true");

    /// <summary>Opens a canvas page (dashboard, editor, runs) and waits until its first data has loaded (<c>window.canvasReady</c>).</summary>
    public async Task OpenCanvasAsync(string path)
    {
        await Page.GotoAsync(path);
        await WaitUntilCanvasReadyAsync();
    }

    /// <summary>Waits for a canvas page's first load, e.g. after a reload.</summary>
    public async Task WaitUntilCanvasReadyAsync()
    {
        try
        {
            await Page.WaitForFunctionAsync("() => window.canvasReady === true");
        }
        catch (TimeoutException ex)
        {
            // A page that never gets ready has usually thrown: say what.
            throw new TimeoutException($"{ex.Message} The page logged: {string.Join(Environment.NewLine, _errors)}", ex);
        }
    }

    public void AssertNoErrors() => Assert.True(_errors.IsEmpty, string.Join(Environment.NewLine, _errors));

    public async ValueTask DisposeAsync() => await Context.CloseAsync();
}
