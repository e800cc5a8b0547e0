using System.ComponentModel;
using ChatFlows.Core.Http;
using Microsoft.SemanticKernel;

namespace ChatFlows.Core.Agents;

/// <summary>
/// The agent tool <c>http_get</c>: reads a web page or API through the guarded client, so an agent reaches exactly
/// what a <c>tool/http</c> node may reach (the address guard and <c>ChatFlows:Http:AllowedHosts</c> apply).
/// </summary>
public static class HttpGetTool
{
    /// <summary>The tool's name.</summary>
    public const string Name = "http_get";

    /// <summary>Most characters of a body handed to the model.</summary>
    public const int MaxChars = 16_000;

    /// <summary>Adds <c>http_get</c> to <paramref name="catalog"/>, sending through <paramref name="client"/>.</summary>
    public static AgentToolCatalog AddHttpGet(this AgentToolCatalog catalog, GuardedHttpClient client) => catalog.Add(
        Name,
        "Reads a web page or JSON API with an HTTP GET.",
        () => KernelFunctionFactory.CreateFromMethod(
            async ([Description("The absolute http:// or https:// URL to read.")] string url, CancellationToken ct) =>
            {
                if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)) throw new ArgumentException($"'{url}' is not an absolute URL.");
                var response = await client.GetTextAsync(uri, MaxChars, ct);
                return new { status = response.Status, contentType = response.MediaType, body = response.Text, truncated = response.Truncated };
            },
            functionName: Name,
            description: $"GETs a URL and returns {{status, contentType, body, truncated}}; bodies are cut at {MaxChars:N0} characters. Private and internal addresses are refused unless allowed."));
}
