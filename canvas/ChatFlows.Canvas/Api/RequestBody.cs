using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using ChatFlows.Core.Documents;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChatFlows.Canvas.Api;

/// <summary>
/// Reads request bodies under a size cap and parses JSON payloads, with answers a caller can act on: how much may
/// be sent, and where the JSON went wrong.
/// </summary>
public static class RequestBody
{
    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();

    /// <summary>
    /// The whole body, or null when it is larger than <paramref name="maxBytes"/>: refused up front when
    /// Content-Length says so, and counted while reading otherwise (chunked bodies have no length).
    /// </summary>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, long maxBytes, CancellationToken ct)
    {
        if (request.ContentLength > maxBytes) return null;
        // The server's own limit (30 MB in Kestrel) must neither cut in below ours nor let more through.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = maxBytes;

        try
        {
            // With a length (the usual case) the body is read straight into an array of that size; Kestrel ends the
            // stream there and fails a body that stops short.
            if (request.ContentLength is { } length and <= int.MaxValue) return await ReadExactlyAsync(request.Body, (int)length, ct);
            return await ReadCountingAsync(request.Body, maxBytes, ct);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return null;
        }
    }

    private static async Task<byte[]> ReadExactlyAsync(Stream body, int length, CancellationToken ct)
    {
        var bytes = new byte[length];
        var filled = 0;
        int read;
        while (filled < length && (read = await body.ReadAsync(bytes.AsMemory(filled), ct)) > 0) filled += read;
        return filled == length ? bytes : bytes[..filled];
    }

    private static async Task<byte[]?> ReadCountingAsync(Stream body, long maxBytes, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await body.ReadAsync(chunk, ct)) > 0)
            {
                if (buffer.Length + read > maxBytes) return null;
                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        return buffer.ToArray();
    }

    /// <summary>
    /// Parses a JSON payload with <see cref="StrictJson"/>; an empty body is <c>{}</c>. On failure, <paramref name="error"/>
    /// says what is wrong and where (line and column, or the path of the value).
    /// </summary>
    public static bool TryParseJson(byte[] body, out JsonElement value, [NotNullWhen(false)] out string? error)
    {
        value = EmptyObject;
        error = null;
        if (body.Length == 0) return true;
        if (StrictJson.TryParse(body, out value, out var problem)) return true;
        error = "The body is " + problem;
        return false;
    }

    /// <summary>
    /// A workflow document sent inside a request (the editor's version, saved or not); false with the first shape error,
    /// said as a sentence with its path, when it is not one.
    /// </summary>
    public static bool TryReadDocument(JsonElement sent, [NotNullWhen(true)] out WorkflowDocument? document, [NotNullWhen(false)] out string? error)
    {
        try
        {
            document = WorkflowJson.Read(sent);
            error = null;
            return true;
        }
        catch (WorkflowFormatException ex)
        {
            document = null;
            error = ex.Message;
            return false;
        }
    }

    /// <summary>The 413 answer for a body over <paramref name="maxBytes"/>.</summary>
    public static ProblemHttpResult TooLarge(long maxBytes, string what) => TypedResults.Problem(
        title: "The request body is too large.",
        detail: $"{what} may be at most {maxBytes} bytes ({maxBytes / 1024.0:0.#} KiB).",
        statusCode: StatusCodes.Status413PayloadTooLarge);
}
