using System.Globalization;
using ChatFlows.Bot.Tests.Browser;

namespace ChatFlows.Bot.Tests.Canvas;

/// <summary>Checks a canvas page's errors when a test provokes refusals on purpose.</summary>
internal static class CanvasErrors
{
    /// <summary>
    /// No error but Chromium's console line for each API answer with one of <paramref name="statuses"/> (a 400 the
    /// test asked for is logged as "Failed to load resource"); the page must have shown those, not thrown.
    /// </summary>
    public static void AssertNoneBut(BrowserPage browser, params int[] statuses)
    {
        var unexpected = browser.Errors
            .Where(e => !statuses.Any(s => e.Contains($"the server responded with a status of {s.ToString(CultureInfo.InvariantCulture)}", StringComparison.Ordinal)))
            .ToArray();
        Assert.True(unexpected.Length == 0, string.Join(Environment.NewLine, unexpected));
    }
}
