using System.Text.Json;
using ChatFlows.Core.Knowledge;
using ChatFlows.Core.Workspaces;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using ValidationProblem = Microsoft.AspNetCore.Http.HttpResults.ValidationProblem;

namespace ChatFlows.Canvas.Api;

/// <summary>
/// <c>/api/knowledge</c> (README §Knowledge): knowledge bases, their documents (uploaded as multipart <c>file</c>, or
/// fetched from <c>{"url"}</c>) with indexing status and progress, and a search to try them. Bases belong to the
/// workspace of the path (<c>/api/w/{workspace}/knowledge</c>, README §Workspaces and roles): another workspace's base
/// answers 404 as if it did not exist, and its id cannot be taken again.
/// </summary>
public static class KnowledgeApi
{
    /// <summary>Largest JSON body (create, URL, search) accepted, in bytes.</summary>
    public const int MaxJsonBytes = 64 * 1024;

    // Multipart framing around the file: boundaries and part headers.
    private const int MultipartOverhead = 64 * 1024;

    private static readonly JsonSerializerOptions InputJson = new(JsonSerializerDefaults.Web);

    /// <summary>Maps list, create, get, delete, documents (add, delete) and search.</summary>
    public static RouteGroupBuilder MapKnowledgeApi(this IEndpointRouteBuilder app)
    {
        var knowledge = app.MapGroup("/api/knowledge");
        knowledge.MapGet("/", ListAsync).RequireRole(Role.Viewer);
        knowledge.MapPost("/", CreateAsync).RequireRole(Role.Editor);
        knowledge.MapGet("/{id}", GetAsync).RequireRole(Role.Viewer);
        knowledge.MapDelete("/{id}", DeleteAsync).RequireRole(Role.Editor);
        knowledge.MapPost("/{id}/documents", AddDocumentAsync).DisableAntiforgery().RequireRole(Role.Editor);
        knowledge.MapDelete("/{id}/documents/{documentId}", DeleteDocumentAsync).RequireRole(Role.Editor);
        knowledge.MapPost("/{id}/search", SearchAsync).RequireRole(Role.Viewer);
        return knowledge;
    }

    // The base of this id in the request's workspace; another workspace's is as absent as a missing one.
    private static async Task<KnowledgeBase?> FindAsync(KnowledgeBases bases, string id, HttpContext http, CancellationToken ct) =>
        await bases.Store.GetBaseAsync(id, ct) is { } found && found.Workspace == WorkspaceRoute.Of(http) ? found : null;

    private static async Task<Ok<KnowledgeList>> ListAsync(HttpContext http, KnowledgeBases bases, CancellationToken ct)
    {
        var summaries = new List<KnowledgeSummary>();
        foreach (var b in (await bases.Store.ListBasesAsync(ct)).Where(b => b.Workspace == WorkspaceRoute.Of(http)))
        {
            var documents = await bases.Store.ListDocumentsAsync(b.Id, ct);
            summaries.Add(new KnowledgeSummary(
                b.Id, b.Name, b.Model, documents.Count, documents.Count(d => d.Status == KnowledgeStatuses.Ready), documents.Sum(d => d.ChunkCount), b.CreatedAt, b.UpdatedAt));
        }
        return TypedResults.Ok(new KnowledgeList(summaries));
    }

    private static async Task<Results<Created<KnowledgeDetail>, ProblemHttpResult, ValidationProblem>> CreateAsync(HttpRequest request, KnowledgeBases bases, CancellationToken ct)
    {
        var (input, unreadable) = await ReadJsonAsync<CreateInput>(request, "{\"id\", \"name\", \"model\"}", ct);
        if (unreadable is not null) return unreadable;
        if (ValidationProblems.From(bases.Check(input!.Id, input.Name, input.Model), "The knowledge base is not valid.") is { } invalid) return invalid;
        var workspace = WorkspaceRoute.Of(request.HttpContext);
        var created = await bases.CreateAsync(workspace, input.Id!, input.Name!, input.Model, ct);
        if (created is null)
        {
            // Ids are unique across the install; whose base holds it elsewhere is not told.
            if (await FindAsync(bases, input.Id!, request.HttpContext, ct) is null)
            {
                return TypedResults.Problem(
                    title: "The knowledge base id is taken.", detail: $"The id '{input.Id}' is taken; pick another id.", statusCode: StatusCodes.Status409Conflict);
            }
            return TypedResults.Problem(
                title: "The knowledge base already exists.",
                detail: $"A knowledge base with the id '{input.Id}' already exists; add documents to it, or pick another id.",
                statusCode: StatusCodes.Status409Conflict);
        }
        return TypedResults.Created($"{WorkspaceRoute.ApiPrefix(workspace)}/knowledge/{created.Id}", new KnowledgeDetail(created.Id, created.Name, created.Model, created.CreatedAt, created.UpdatedAt, []));
    }

    private static async Task<Results<Ok<KnowledgeDetail>, ProblemHttpResult>> GetAsync(string id, HttpContext http, KnowledgeBases bases, CancellationToken ct)
    {
        var found = await FindAsync(bases, id, http, ct);
        if (found is null) return NoSuchBase(id);
        var documents = await bases.Store.ListDocumentsAsync(id, ct);
        return TypedResults.Ok(new KnowledgeDetail(found.Id, found.Name, found.Model, found.CreatedAt, found.UpdatedAt, documents));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string id, HttpContext http, KnowledgeBases bases, CancellationToken ct) =>
        await FindAsync(bases, id, http, ct) is not null && await bases.Store.DeleteBaseAsync(id, ct) ? TypedResults.NoContent() : NoSuchBase(id);

    private static async Task<Results<Accepted<KnowledgeDocument>, Ok<KnowledgeDocument>, ProblemHttpResult, ValidationProblem>> AddDocumentAsync(
        string id, HttpRequest request, KnowledgeBases bases, CancellationToken ct)
    {
        var found = await FindAsync(bases, id, request.HttpContext, ct);
        if (found is null) return NoSuchBase(id);
        var max = bases.Options.MaxDocumentBytes;
        string source;
        byte[] content;
        string? mediaType;
        string field;
        try
        {
            if (request.HasFormContentType)
            {
                field = "file";
                if (request.ContentLength > max + MultipartOverhead) return TooLarge(max);
                if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = max + MultipartOverhead;
                IFormCollection form;
                try
                {
                    form = await request.ReadFormAsync(new FormOptions { MultipartBodyLengthLimit = max + MultipartOverhead }, ct);
                }
                catch (Exception ex) when (ex is InvalidDataException or BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge })
                {
                    return TooLarge(max);
                }
                var file = form.Files.GetFile("file");
                if (file is null) return Invalid("file", "Send the document as the multipart field file (a .md, .txt, .html or .pdf file), or a JSON body {\"url\"}.");
                if (file.Length > max) return TooLarge(max);
                source = Path.GetFileName(file.FileName);
                if (string.IsNullOrWhiteSpace(source)) return Invalid("file", "The file has no name; knowledge bases tell documents apart and cite them by it.");
                using var buffer = new MemoryStream();
                await file.CopyToAsync(buffer, ct);
                content = buffer.ToArray();
                mediaType = file.ContentType;
            }
            else
            {
                field = "url";
                var (input, unreadable) = await ReadJsonAsync<UrlInput>(request, "{\"url\"} or a multipart upload with the field file", ct);
                if (unreadable is not null) return unreadable;
                (content, mediaType) = await bases.FetchAsync(input!.Url, ct);
                source = input.Url!.Trim();
            }
            var text = KnowledgeText.Extract(source, mediaType, content, field);
            var existing = await bases.Store.FindDocumentAsync(id, source, ct);
            var document = await bases.AddAsync(found, source, text, ct);
            // The same content again changes nothing: 200 with the document as it is.
            if (existing is not null && document.ContentHash == existing.ContentHash && document.Status == existing.Status && document.UpdatedAt == existing.UpdatedAt)
            {
                return TypedResults.Ok(document);
            }
            return TypedResults.Accepted($"{WorkspaceRoute.ApiPrefix(found.Workspace)}/knowledge/{id}", document);
        }
        catch (KnowledgeException ex)
        {
            return Invalid(ex.Field, ex.Message);
        }
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteDocumentAsync(string id, string documentId, HttpContext http, KnowledgeBases bases, CancellationToken ct)
    {
        if (await FindAsync(bases, id, http, ct) is null) return NoSuchBase(id);
        return await bases.Store.DeleteDocumentAsync(id, documentId, ct)
            ? TypedResults.NoContent()
            : TypedResults.Problem(title: "No such document.", detail: $"Knowledge base '{id}' has no document '{documentId}'.", statusCode: StatusCodes.Status404NotFound);
    }

    private static async Task<Results<Ok<KnowledgeSearchResult>, ProblemHttpResult, ValidationProblem>> SearchAsync(string id, HttpRequest request, KnowledgeBases bases, CancellationToken ct)
    {
        if (await FindAsync(bases, id, request.HttpContext, ct) is null) return NoSuchBase(id);
        var (input, unreadable) = await ReadJsonAsync<SearchInput>(request, "{\"query\", \"top\"}", ct);
        if (unreadable is not null) return unreadable;
        if (string.IsNullOrWhiteSpace(input!.Query)) return Invalid("query", "query is required: what to look for, like disk full on the database host.");
        if (input.Top is < 1 or > KnowledgeBases.MaxTop) return Invalid("top", $"top must be from 1 to {KnowledgeBases.MaxTop}.");
        try
        {
            var hits = await bases.SearchAsync(WorkspaceRoute.Of(request.HttpContext), [id], input.Query.Trim(), input.Top ?? KnowledgeBases.DefaultTop, ct);
            return TypedResults.Ok(new KnowledgeSearchResult(input.Query.Trim(), hits));
        }
        catch (KnowledgeException ex)
        {
            return Invalid(ex.Field, ex.Message);
        }
        catch (InvalidOperationException ex)
        {
            return TypedResults.Problem(title: "The search failed.", detail: ex.Message, statusCode: StatusCodes.Status502BadGateway);
        }
    }

    private static async Task<(T? Input, ProblemHttpResult? Problem)> ReadJsonAsync<T>(HttpRequest request, string shape, CancellationToken ct)
        where T : class
    {
        var body = await RequestBody.ReadAsync(request, MaxJsonBytes, ct);
        if (body is null) return (null, RequestBody.TooLarge(MaxJsonBytes, "This request"));
        if (!RequestBody.TryParseJson(body, out var json, out var error)) return (null, Unreadable(error));
        if (json.ValueKind != JsonValueKind.Object) return (null, Unreadable($"The body must be a JSON object: {shape}."));
        try
        {
            return (json.Deserialize<T>(InputJson)!, null);
        }
        catch (JsonException ex)
        {
            var field = ex.Path?.TrimStart('$', '.') ?? "";
            return (null, Unreadable($"'{field}' has the wrong type: {ex.Message.Split(" Path:")[0]}"));
        }
    }

    private static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, detail: "Fix the problem below and try again.", title: "The request is not valid.");

    private static ProblemHttpResult TooLarge(long max) => RequestBody.TooLarge(max, $"A document ({KnowledgeOptions.SectionName}:MaxDocumentBytes)");

    private static ProblemHttpResult Unreadable(string detail) =>
        TypedResults.Problem(title: "The request could not be read.", detail: detail, statusCode: StatusCodes.Status400BadRequest);

    private static ProblemHttpResult NoSuchBase(string id) =>
        TypedResults.Problem(title: "No such knowledge base.", detail: $"There is no knowledge base '{id}'.", statusCode: StatusCodes.Status404NotFound);

    private sealed record CreateInput(string? Id, string? Name, string? Model);

    private sealed record UrlInput(string? Url);

    private sealed record SearchInput(string? Query, int? Top);
}
