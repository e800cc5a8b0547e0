using System.Net;
using System.Text;
using System.Text.Json;
using ChatFlows.Core.Tests.Agents;

namespace ChatFlows.Bot.Tests.Knowledge;

/// <summary><c>/api/knowledge</c> on the real host: uploads and URLs indexed through a real /embeddings endpoint, progress, failures, search and bad input.</summary>
public sealed class KnowledgeApiTests : IAsyncLifetime
{
    private KnowledgeHost _host = null!;

    public async Task InitializeAsync() => _host = await KnowledgeHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task UploadRunbook_Indexed_SearchFindsTheDiskSectionFirstWithItsSource()
    {
        await _host.CreateBaseAsync();

        var document = await _host.UploadAndWaitAsync("runbook", "runbook.md", KnowledgeHost.Runbook);
        using var search = await _host.Client.PostAsync("/api/knowledge/runbook/search", KnowledgeHost.Json("""{"query": "the database disk is full, delete WAL archives", "top": 3}"""));

        Assert.Equal("runbook.md", document.GetProperty("source").GetString());
        Assert.True(document.GetProperty("chunkCount").GetInt32() >= 5, document.ToString());
        Assert.Equal(HttpStatusCode.OK, search.StatusCode);
        var results = (await KnowledgeHost.ReadAsync(search)).GetProperty("results").EnumerateArray().ToArray();
        Assert.Equal(3, results.Length);
        Assert.StartsWith("## Database disk full", results[0].GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal("runbook.md", results[0].GetProperty("source").GetString());
        Assert.True(results[0].GetProperty("score").GetDouble() > results[1].GetProperty("score").GetDouble());
        var list = (await _host.GetAsync("/api/knowledge")).GetProperty("items").EnumerateArray().Single();
        Assert.Equal((1, 1), (list.GetProperty("documents").GetInt32(), list.GetProperty("ready").GetInt32()));
    }

    [Fact]
    public async Task UploadEachFormat_TextAndHtml_AreIndexedAsText()
    {
        await _host.CreateBaseAsync();

        await _host.UploadAndWaitAsync("runbook", "notes.txt", "Rotate the API keys every ninety days.");
        await _host.UploadAndWaitAsync("runbook", "page.html", "<html><body><script>var secret='x'</script><h2>Backups</h2><p>Backups run nightly at two.</p></body></html>");
        using var search = await _host.Client.PostAsync("/api/knowledge/runbook/search", KnowledgeHost.Json("""{"query": "when do backups run", "top": 1}"""));

        var hit = (await KnowledgeHost.ReadAsync(search)).GetProperty("results").EnumerateArray().Single();
        Assert.Equal(("## Backups\n\nBackups run nightly at two.", "page.html"), (hit.GetProperty("text").GetString(), hit.GetProperty("source").GetString()));
    }

    [Fact]
    public async Task AddUrl_LoopbackServerAllowed_FetchesAndIndexesThePage()
    {
        await using var server = await DocumentServer.StartAsync();
        await _host.CreateBaseAsync();

        using var added = await _host.Client.PostAsync("/api/knowledge/runbook/documents", KnowledgeHost.Json($$"""{"url": "{{server.PageUrl}}"}"""));

        Assert.Equal(HttpStatusCode.Accepted, added.StatusCode);
        var document = await KnowledgeHost.ReadAsync(added);
        Assert.Equal(("indexing", server.PageUrl), (document.GetProperty("status").GetString(), document.GetProperty("source").GetString()));
        await _host.WaitForDocumentAsync("runbook", document.GetProperty("id").GetString()!, "ready");
        using var search = await _host.Client.PostAsync("/api/knowledge/runbook/search", KnowledgeHost.Json("""{"query": "settlements queue workers"}"""));
        var hit = (await KnowledgeHost.ReadAsync(search)).GetProperty("results").EnumerateArray().First();
        Assert.Contains("scale the settlement workers to eight", hit.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("track()", hit.GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddUrl_PrivateAddress_Refused400NamingUrl()
    {
        await _host.CreateBaseAsync();

        using var refused = await _host.Client.PostAsync("/api/knowledge/runbook/documents", KnowledgeHost.Json("""{"url": "http://10.20.30.40/runbook.html"}"""));

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var problem = await KnowledgeHost.ReadAsync(refused);
        Assert.Contains("10.20.30.40", problem.GetProperty("errors").GetProperty("url")[0].GetString(), StringComparison.Ordinal);
        Assert.Empty((await _host.GetAsync("/api/knowledge/runbook")).GetProperty("documents").EnumerateArray());
    }

    [Fact]
    public async Task AddAgain_ChangedContent_ReplacesTheChunksAndSameContentIsLeftAlone()
    {
        await _host.CreateBaseAsync();
        var first = await _host.UploadAndWaitAsync("runbook", "oncall.md", "Page Alice for database trouble.");

        var changed = await _host.UploadAndWaitAsync("runbook", "oncall.md", "Page Bob for database trouble.");
        var embedded = _host.Host.Model.EmbeddingRequests.Count;
        using var same = await _host.UploadAsync("runbook", "oncall.md", Encoding.UTF8.GetBytes("Page Bob for database trouble."));
        using var search = await _host.Client.PostAsync("/api/knowledge/runbook/search", KnowledgeHost.Json("""{"query": "database trouble"}"""));

        Assert.Equal(first.GetProperty("id").GetString(), changed.GetProperty("id").GetString());
        Assert.Equal(HttpStatusCode.OK, same.StatusCode);
        Assert.Equal(embedded, _host.Host.Model.EmbeddingRequests.Count - 1);
        var hit = (await KnowledgeHost.ReadAsync(search)).GetProperty("results").EnumerateArray().Single();
        Assert.Equal("Page Bob for database trouble.", hit.GetProperty("text").GetString());
    }

    [Fact]
    public async Task Indexing_EmbeddingsHeld_ProgressIsVisibleUntilReady()
    {
        await _host.CreateBaseAsync();
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
        var text = string.Join("\n\n", Enumerable.Range(1, 5).Select(i => $"# Step {i}\n\nDo thing number {i}."));

        using var added = await _host.UploadAsync("runbook", "steps.md", Encoding.UTF8.GetBytes(text));
        var id = (await KnowledgeHost.ReadAsync(added)).GetProperty("id").GetString()!;
        await second.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var held = (await _host.GetAsync("/api/knowledge/runbook")).GetProperty("documents")[0];
        release.SetResult();
        var ready = await _host.WaitForDocumentAsync("runbook", id, "ready");

        Assert.Equal(("indexing", 2, 5), (held.GetProperty("status").GetString(), held.GetProperty("chunksDone").GetInt32(), held.GetProperty("chunksTotal").GetInt32()));
        Assert.Equal((5, 5), (ready.GetProperty("chunksDone").GetInt32(), ready.GetProperty("chunkCount").GetInt32()));
    }

    [Fact]
    public async Task Indexing_EmbeddingsEndpointErrors_DocumentFailsWithWhatToFix()
    {
        await _host.CreateBaseAsync();
        _host.Host.Model.OnEmbeddings = _ => Task.FromResult<ModelReply?>(ModelReply.Error(400, "model 'embed-small' is not loaded"));

        var failed = await _host.UploadAndWaitAsync("runbook", "oncall.md", "Page Alice.", status: "failed");

        var error = failed.GetProperty("error").GetString();
        Assert.Contains("model profile 'fake'", error, StringComparison.Ordinal);
        Assert.Contains("answered 400", error, StringComparison.Ordinal);
        Assert.Contains("ChatFlows:Models:fake:EmbeddingModel", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"id": "Run Book", "name": "Runbook"}""", "id")]
    [InlineData("""{"id": "runbook"}""", "name")]
    [InlineData("""{"id": "runbook", "name": "Runbook", "model": "nope"}""", "model")]
    [InlineData("""{"id": "runbook", "name": "Runbook", "model": "chat-only"}""", "model")]
    public async Task Create_BadField_400NamingIt(string body, string field)
    {
        using var response = await _host.Client.PostAsync("/api/knowledge", KnowledgeHost.Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await KnowledgeHost.ReadAsync(response)).GetProperty("errors");
        Assert.Equal([field], errors.EnumerateObject().Select(p => p.Name));
        if (body.Contains("chat-only", StringComparison.Ordinal))
        {
            Assert.Contains("ChatFlows:Models:chat-only:EmbeddingModel", errors.GetProperty("model")[0].GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Documents_BadInput_4xxNamingTheField()
    {
        await _host.CreateBaseAsync();

        using var tooLarge = await _host.UploadAsync("runbook", "big.md", new byte[KnowledgeHost.MaxDocumentBytes + 1]);
        using var image = await _host.UploadAsync("runbook", "photo.png", [137, 80, 78, 71], "image/png");
        using var noFile = await _host.Client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/knowledge/runbook/documents")
        {
            Content = new MultipartFormDataContent { { new StringContent("x"), "note" } },
            Headers = { { "X-ChatFlows-Upload", "1" } },
        });
        using var badUrl = await _host.Client.PostAsync("/api/knowledge/runbook/documents", KnowledgeHost.Json("""{"url": "ftp://example.com/a.md"}"""));
        using var emptyQuery = await _host.Client.PostAsync("/api/knowledge/runbook/search", KnowledgeHost.Json("""{"query": " "}"""));
        using var badTop = await _host.Client.PostAsync("/api/knowledge/runbook/search", KnowledgeHost.Json("""{"query": "disk", "top": 0}"""));
        using var noBase = await _host.UploadAsync("handbook", "a.md", [65]);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Contains("ChatFlows:Knowledge:MaxDocumentBytes", (await KnowledgeHost.ReadAsync(tooLarge)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        foreach (var (response, field) in new[] { (image, "file"), (noFile, "file"), (badUrl, "url"), (emptyQuery, "query"), (badTop, "top") })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal([field], (await KnowledgeHost.ReadAsync(response)).GetProperty("errors").EnumerateObject().Select(p => p.Name));
        }
        Assert.Equal(HttpStatusCode.NotFound, noBase.StatusCode);
    }

    [Fact]
    public async Task Upload_WithoutTheUploadHeader_Refused415AsAPlainFormWouldBe()
    {
        await _host.CreateBaseAsync();

        using var refused = await _host.UploadAsync("runbook", "oncall.md", Encoding.UTF8.GetBytes("Page Alice."), withUploadHeader: false);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, refused.StatusCode);
        Assert.Empty((await _host.GetAsync("/api/knowledge/runbook")).GetProperty("documents").EnumerateArray());
    }

    [Fact]
    public async Task Delete_DocumentThenBase_SearchNoLongerFindsItAndTheBaseIsGone()
    {
        await _host.CreateBaseAsync();
        var document = await _host.UploadAndWaitAsync("runbook", "oncall.md", "Page Alice for database trouble.");

        using var deletedDocument = await _host.Client.DeleteAsync($"/api/knowledge/runbook/documents/{document.GetProperty("id").GetString()}");
        using var search = await _host.Client.PostAsync("/api/knowledge/runbook/search", KnowledgeHost.Json("""{"query": "database trouble"}"""));
        using var deletedBase = await _host.Client.DeleteAsync("/api/knowledge/runbook");
        using var gone = await _host.Client.GetAsync("/api/knowledge/runbook");

        Assert.Equal(HttpStatusCode.NoContent, deletedDocument.StatusCode);
        Assert.Empty((await KnowledgeHost.ReadAsync(search)).GetProperty("results").EnumerateArray());
        Assert.Equal(HttpStatusCode.NoContent, deletedBase.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }
}
