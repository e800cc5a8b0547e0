using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ChatFlows.Bot.Tests.Agents;

namespace ChatFlows.Bot.Tests.Knowledge;

/// <summary>
/// The real host with the model profile <c>fake</c> embedding with <c>embed-small</c> (two chunks a request), a profile
/// <c>chat-only</c> without an embedding model, documents of at most 8 KiB, and 127.0.0.1 allowed for URLs.
/// </summary>
internal sealed class KnowledgeHost : IAsyncDisposable
{
    public const int MaxDocumentBytes = 8 * 1024;

    private KnowledgeHost(ModelHost host) => Host = host;

    public ModelHost Host { get; }

    public HttpClient Client => Host.Client;

    public static async Task<KnowledgeHost> StartAsync() => new(await ModelHost.StartAsync(new Dictionary<string, string>
    {
        ["ChatFlows:Models:fake:EmbeddingModel"] = "embed-small",
        ["ChatFlows:Models:fake:Default"] = "true",
        ["ChatFlows:Models:chat-only:Provider"] = "openai-compatible",
        ["ChatFlows:Models:chat-only:Model"] = "small",
        ["ChatFlows:Models:chat-only:Endpoint"] = "http://127.0.0.1:9/v1",
        ["ChatFlows:Knowledge:EmbeddingBatchSize"] = "2",
        ["ChatFlows:Knowledge:MaxDocumentBytes"] = MaxDocumentBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["ChatFlows:Http:AllowedHosts:0"] = "127.0.0.1",
    }));

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static string Runbook => File.ReadAllText(Path.Combine(CliProcess.RepositoryRoot, "samples", "knowledge", "runbook.md"));

    public async Task CreateBaseAsync(string id = "runbook")
    {
        using var created = await Client.PostAsync("/api/knowledge", Json($$"""{"id": "{{id}}", "name": "On-call runbook"}"""));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    public async Task<HttpResponseMessage> UploadAsync(string id, string fileName, byte[] content, string mediaType = "text/markdown", bool withUploadHeader = true)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        form.Add(file, "file", fileName);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/knowledge/{id}/documents") { Content = form };
        if (withUploadHeader) request.Headers.Add("X-ChatFlows-Upload", "1");
        return await Client.SendAsync(request);
    }

    /// <summary>Uploads a document and waits until it is <paramref name="status"/>; returns the document as the API shows it.</summary>
    public async Task<JsonElement> UploadAndWaitAsync(string id, string fileName, string text, string status = "ready")
    {
        using var response = await UploadAsync(id, fileName, Encoding.UTF8.GetBytes(text));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var documentId = (await ReadAsync(response)).GetProperty("id").GetString()!;
        return await WaitForDocumentAsync(id, documentId, status);
    }

    public async Task<JsonElement> WaitForDocumentAsync(string id, string documentId, params string[] statuses)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var document = (await GetAsync($"/api/knowledge/{id}")).GetProperty("documents").EnumerateArray().Single(d => d.GetProperty("id").GetString() == documentId);
            if (statuses.Contains(document.GetProperty("status").GetString())) return document;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"document {documentId} is still {document}");
            await Task.Delay(50);
        }
    }

    public async Task<JsonElement> GetAsync(string path) => JsonElement.Parse(await Client.GetStringAsync(path));

    public static async Task<JsonElement> ReadAsync(HttpResponseMessage response) => JsonElement.Parse(await response.Content.ReadAsStringAsync());

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();
}
