using ChatFlows.Bot.Tests.Browser;
using static Microsoft.Playwright.Assertions;

namespace ChatFlows.Bot.Tests.Canvas;

/// <summary>
/// README §Connections, §Built-in nodes: the mail, SQL and GitHub nodes are placed from the palette, configured in
/// their inspector forms with a connection picked by type, refused with the field's problem, and saved.
/// </summary>
public sealed class IntegrationNodesEditorTests : IClassFixture<ChromiumFixture>, IAsyncLifetime
{
    private readonly ChromiumFixture _chromium;
    private readonly HostFixture _host = new(new Dictionary<string, string>
    {
        ["ChatFlows:Connections:team-mail:Type"] = "mail",
        ["ChatFlows:Connections:team-mail:Workflows"] = "*",
        ["ChatFlows:Connections:team-mail:ImapHost"] = "127.0.0.1",
        ["ChatFlows:Connections:team-mail:ImapPort"] = "1",
        ["ChatFlows:Connections:team-mail:SmtpHost"] = "127.0.0.1",
        ["ChatFlows:Connections:team-mail:SmtpPort"] = "1",
        ["ChatFlows:Connections:reports-db:Type"] = "database",
        ["ChatFlows:Connections:reports-db:Workflows"] = "*",
        ["ChatFlows:Connections:reports-db:Provider"] = "sqlite",
        ["ChatFlows:Connections:reports-db:ConnectionString"] = "Data Source=:memory:",
        ["ChatFlows:Connections:octo:Type"] = "github",
        ["ChatFlows:Connections:octo:Workflows"] = "*",
        ["ChatFlows:Connections:octo:ApiBaseUrl"] = "http://127.0.0.1:1/",
    });

    public IntegrationNodesEditorTests(ChromiumFixture chromium) => _chromium = chromium;

    public Task InitializeAsync() => _host.InitializeAsync();

    public Task DisposeAsync() => _host.DisposeAsync();

    [Fact]
    public async Task Build_EmailSqlAndGithubNodes_ConnectionsPickedByTypeProblemShownThenSaved()
    {
        await using var browser = await _chromium.NewPageAsync(_host.BaseAddress);
        var page = browser.Page;
        await browser.OpenCanvasAsync("/workflows/new?blank");

        await EditorPage.DropAsync(page, "trigger", "email", 130, 120);
        await EditorPage.DropAsync(page, "tool", "sql", 430, 120);
        await EditorPage.DropAsync(page, "tool", "github", 130, 340);
        await EditorPage.DropAsync(page, "output", "email", 430, 340);
        await EditorPage.ConnectAsync(page, "email", "out", "sql");
        await EditorPage.ConnectAsync(page, "sql", "out", "github");
        await EditorPage.ConnectAsync(page, "github", "out", "email2");

        await EditorPage.Node(page, "email").ClickAsync();
        // Only connections of the field's type are offered.
        await Expect(page.GetByTestId("config-connection").Locator("option[value='reports-db']")).ToHaveCountAsync(0);
        await page.GetByTestId("config-connection").SelectOptionAsync("team-mail");
        await page.GetByTestId("config-subject").FillAsync("^report");
        await EditorPage.Node(page, "sql").ClickAsync();
        await Expect(page.GetByTestId("config-connection").Locator("option[value='team-mail']")).ToHaveCountAsync(0);
        await page.GetByTestId("config-connection").SelectOptionAsync("reports-db");
        await page.GetByTestId("config-query").FillAsync("select * from reports where subject = '{{ trigger.subject }}'");
        await EditorPage.Node(page, "github").ClickAsync();
        await page.GetByTestId("config-connection").SelectOptionAsync("octo");
        await page.GetByTestId("config-repository").FillAsync("octo-org/reports");
        await page.GetByTestId("config-title").FillAsync("Report: {{ trigger.subject }}");
        await EditorPage.Node(page, "email2").ClickAsync();
        await page.GetByTestId("config-connection").SelectOptionAsync("team-mail");
        await page.GetByTestId("config-to").FillAsync("{{ trigger.from }}");
        await page.GetByTestId("config-subject").FillAsync("Re: {{ trigger.subject }}");
        await page.GetByTestId("config-text").FillAsync("Filed as **issue {{ data.github.number }}**.");

        await page.GetByTestId("save").ClickAsync();
        await page.GetByTestId("save-id").FillAsync("editor-integrations");
        await page.GetByTestId("save-confirm").ClickAsync();

        // The query text is never templated: the problem is shown on the SQL node's query field.
        await Expect(EditorPage.Node(page, "sql")).ToHaveAttributeAsync("data-invalid", "true");
        await EditorPage.Node(page, "sql").ClickAsync();
        await Expect(page.Locator("[data-testid=field][data-field='config/query'] [data-testid=field-error]")).ToContainTextAsync("@");
        await page.GetByTestId("config-query").FillAsync("select * from reports where subject = @subject");
        await page.GetByTestId("config-parameters").FillAsync("""{"subject": "{{ trigger.subject }}"}""");
        await page.GetByTestId("save").ClickAsync();
        await page.GetByTestId("save-id").FillAsync("editor-integrations");
        await page.GetByTestId("save-confirm").ClickAsync();
        await Expect(page.GetByTestId("toast-success")).ToContainTextAsync("Saved version 1");

        var stored = await _host.GetJsonAsync("/api/workflows/editor-integrations");
        var nodes = stored.GetProperty("nodes").EnumerateArray().ToDictionary(n => n.GetProperty("id").GetString()!, n => n.GetProperty("config"));
        Assert.Equal("team-mail", nodes["email"].GetProperty("connection").GetString());
        Assert.Equal("reports-db", nodes["sql"].GetProperty("connection").GetString());
        Assert.Equal("{{ trigger.subject }}", nodes["sql"].GetProperty("parameters").GetProperty("subject").GetString());
        Assert.Equal("octo", nodes["github"].GetProperty("connection").GetString());
        Assert.Equal("create-issue", nodes["github"].GetProperty("action").GetString());
        Assert.Equal("team-mail", nodes["email2"].GetProperty("connection").GetString());
        EditorPage.AssertNoErrors(browser, expectedStatus: 400);
    }
}
