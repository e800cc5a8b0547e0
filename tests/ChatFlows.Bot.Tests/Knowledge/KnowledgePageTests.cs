using System.Text;
using System.Text.Json;
using ChatFlows.Bot.Tests.Browser;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ChatFlows.Bot.Tests.Knowledge;

/// <summary>The Knowledge page and the agent form's Knowledge field in Chromium, against the real host and a real /embeddings endpoint.</summary>
public sealed class KnowledgePageTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>, IAsyncLifetime
{
    private KnowledgeHost _host = null!;

    public async Task InitializeAsync() => _host = await KnowledgeHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task KnowledgePage_CreateUploadSearch_ShowsProgressThenReadyAndTheSourcedPassage()
    {
        var second = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        _host.Host.Model.OnEmbeddings = async _ =>
        {
            if (_host.Host.Model.EmbeddingRequests.Count == 2)
            {
                second.TrySetResult();
                await release.Task;
            }
            return null;
        };
        await using var browser = await chromium.NewPageAsync(_host.Host.BaseAddress);
        var page = browser.Page;
        await browser.OpenCanvasAsync("/knowledge");

        await Expect(page.GetByTestId("knowledge-empty")).ToBeVisibleAsync();
        await page.GetByTestId("knowledge-id").FillAsync("runbook");
        await page.GetByTestId("knowledge-name").FillAsync("On-call runbook");
        await page.GetByTestId("knowledge-create-submit").ClickAsync();
        await Expect(page.GetByTestId("base-title")).ToHaveTextAsync("On-call runbook (runbook)");
        await page.GetByTestId("document-file").SetInputFilesAsync(new FilePayload
        {
            Name = "runbook.md",
            MimeType = "text/markdown",
            Buffer = Encoding.UTF8.GetBytes(KnowledgeHost.Runbook),
        });
        await page.GetByTestId("document-upload-submit").ClickAsync();

        var row = page.Locator("[data-testid=document-row]");
        await second.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await Expect(row.GetByTestId("document-status")).ToHaveTextAsync("indexing");
        await Expect(row.GetByTestId("document-progress")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^2 / \\d+ chunks embedded$"));
        release.SetResult();
        await Expect(row.GetByTestId("document-status")).ToHaveTextAsync("ready");
        await Expect(page.GetByTestId("knowledge-documents")).ToHaveTextAsync("1 of 1 ready");

        await page.GetByTestId("search-query").FillAsync("the database disk is full");
        await page.GetByTestId("search-submit").ClickAsync();
        var first = page.GetByTestId("search-result").First;
        await Expect(first.GetByTestId("search-source")).ToHaveTextAsync("runbook.md");
        await Expect(first.GetByTestId("search-text")).ToContainTextAsync("## Database disk full");
        browser.AssertNoErrors();
    }

    [Fact]
    public async Task KnowledgePage_BadIdAndPrivateUrl_ShowTheServersSentences()
    {
        await using var browser = await chromium.NewPageAsync(_host.Host.BaseAddress);
        var page = browser.Page;
        await browser.OpenCanvasAsync("/knowledge");

        await page.GetByTestId("knowledge-id").FillAsync("Run Book");
        await page.GetByTestId("knowledge-name").FillAsync("Runbook");
        await page.GetByTestId("knowledge-create-submit").ClickAsync();
        await Expect(page.GetByTestId("knowledge-create-error")).ToContainTextAsync("id: 'Run Book' is not an id");
        await page.GetByTestId("knowledge-id").FillAsync("runbook");
        await page.GetByTestId("knowledge-create-submit").ClickAsync();
        await page.GetByTestId("document-url-input").FillAsync("http://10.20.30.40/runbook.html");
        await page.GetByTestId("document-url-submit").ClickAsync();

        await Expect(page.GetByTestId("document-error")).ToContainTextAsync("url:");
        await Expect(page.GetByTestId("document-error")).ToContainTextAsync("10.20.30.40");
        await Expect(page.GetByTestId("document-empty")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task AgentForm_KnowledgeField_OffersTheBasesAndSavesTheChoice()
    {
        await _host.CreateBaseAsync();
        await using var browser = await chromium.NewPageAsync(_host.Host.BaseAddress);
        var page = browser.Page;
        await browser.OpenCanvasAsync("/?agent=new");

        await page.GetByTestId("agent-id").FillAsync("oncall");
        await page.GetByTestId("agent-name").FillAsync("On-call helper");
        await page.GetByTestId("agent-instructions").FillAsync("Answer from the runbook and cite it.");
        await page.GetByTestId("agent-knowledge-runbook").CheckAsync();
        await page.GetByTestId("agent-save").ClickAsync();

        await Expect(page.Locator("[data-testid=agent-row][data-id=oncall]")).ToBeVisibleAsync();
        var agent = JsonElement.Parse(await _host.Client.GetStringAsync("/api/agents/oncall"));
        Assert.Equal(["runbook"], agent.GetProperty("knowledge").EnumerateArray().Select(k => k.GetString()));
        browser.AssertNoErrors();
    }
}
