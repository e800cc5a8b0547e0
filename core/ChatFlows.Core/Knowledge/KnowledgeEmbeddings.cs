using System.ClientModel;
using System.ClientModel.Primitives;
using System.Collections.Concurrent;
using Azure.AI.OpenAI;
using ChatFlows.Core.Agents;
using Microsoft.Extensions.AI;
using OpenAI;

namespace ChatFlows.Core.Knowledge;

/// <summary>
/// Turns texts into vectors with a model profile's <see cref="ModelProfile.EmbeddingModel"/> at its endpoint's
/// <c>/embeddings</c> (OpenAI's wire format), through Microsoft.Extensions.AI's <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>.
/// One generator per profile, shared by indexing and search.
/// </summary>
public sealed class KnowledgeEmbeddings(ModelProfiles profiles) : IDisposable
{
    // One retry for a passing fault; a server that is down fails the document soon, with a message, rather than after minutes.
    private static readonly ClientRetryPolicy Retries = new(maxRetries: 1);

    private readonly ConcurrentDictionary<string, (IEmbeddingGenerator<string, Embedding<float>> Generator, HttpClient Http)> _generators = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The model profiles the bases name.</summary>
    public ModelProfiles Profiles => profiles;

    /// <summary>
    /// The profile a base with <paramref name="model"/> embeds with: that one, else the default one (the one with
    /// <c>Default: true</c>, or the only one). Null with <paramref name="error"/> naming the key to set when there is none
    /// or it has no embedding model.
    /// </summary>
    public ModelProfile? Resolve(string? model, out string? error)
    {
        ModelProfile? profile;
        if (!string.IsNullOrWhiteSpace(model))
        {
            profile = profiles.Find(model.Trim());
            if (profile is null)
            {
                error = $"Model profile '{model.Trim()}' is not configured; set {ModelProfiles.Section}:{model.Trim()}:Provider, :Model, :Endpoint and :EmbeddingModel, or pick a configured one ({Names()}).";
                return null;
            }
        }
        else
        {
            var defaults = profiles.All.Where(p => p.Default).ToArray();
            profile = profiles.All.Count == 1 ? profiles.All.First() : defaults.Length == 1 ? defaults[0] : null;
            if (profile is null)
            {
                error = profiles.All.Count == 0
                    ? $"No model profile is configured; set {ModelProfiles.Section}:<name>:Provider, :Model, :Endpoint and :EmbeddingModel."
                    : $"No model profile is the default among {Names()}; name one in model, or set {ModelProfiles.Section}:<name>:Default to true.";
                return null;
            }
        }
        if (string.IsNullOrWhiteSpace(profile.EmbeddingModel))
        {
            error = $"Model profile '{profile.Name}' has no embedding model; set {profile.Key("EmbeddingModel")} to a model its endpoint serves at /embeddings, like nomic-embed-text or text-embedding-3-small.";
            return null;
        }
        error = null;
        return profile;
    }

    /// <summary>
    /// The vectors of <paramref name="texts"/>, in order, in one request. Throws an <see cref="InvalidOperationException"/>
    /// with a sentence naming the profile and what to check when the endpoint fails.
    /// </summary>
    public async Task<float[][]> EmbedAsync(ModelProfile profile, IReadOnlyList<string> texts, CancellationToken ct)
    {
        if (texts.Count == 0) return [];
        var generator = _generators.GetOrAdd(profile.Name, _ => Create(profile)).Generator;
        GeneratedEmbeddings<Embedding<float>> embeddings;
        try
        {
            embeddings = await generator.GenerateAsync(texts, cancellationToken: ct);
        }
        catch (Exception ex) when (ex is ClientResultException or HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            var status = ex is ClientResultException { Status: > 0 } result ? $"answered {result.Status}" : "could not be reached";
            throw new InvalidOperationException(
                $"The embeddings endpoint of model profile '{profile.Name}' ({profile.EffectiveEndpoint}/embeddings, model {profile.EmbeddingModel}) {status}: {FirstLine(ex.Message)} " +
                $"Check that the server runs and serves {profile.Key("EmbeddingModel")}, then add the document again.", ex);
        }
        if (embeddings.Count != texts.Count)
        {
            throw new InvalidOperationException($"The embeddings endpoint of model profile '{profile.Name}' returned {embeddings.Count} vectors for {texts.Count} texts; check that it speaks OpenAI's /embeddings format.");
        }
        return embeddings.Select(e => e.Vector.ToArray()).ToArray();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var (generator, http) in _generators.Values)
        {
            generator.Dispose();
            http.Dispose();
        }
    }

    private static (IEmbeddingGenerator<string, Embedding<float>>, HttpClient) Create(ModelProfile profile)
    {
        var keyless = string.IsNullOrWhiteSpace(profile.ApiKey);
        var http = new HttpClient(new KeylessHandler(keyless) { InnerHandler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) } })
        {
            Timeout = profile.Timeout ?? ModelProfile.DefaultTimeout,
        };
        var transport = new HttpClientPipelineTransport(http);
        // OpenAI-compatible servers without keys get none; the client insists on one, which the handler takes off again.
        var key = new ApiKeyCredential(keyless ? "none" : profile.ApiKey!);
        var model = profile.EmbeddingModel!.Trim();
        if (profile.IsProvider(ModelProviders.AzureOpenAI))
        {
            var azure = new AzureOpenAIClient(new Uri(profile.EffectiveEndpoint), key, new AzureOpenAIClientOptions { Transport = transport, RetryPolicy = Retries });
            return (azure.GetEmbeddingClient(model).AsIEmbeddingGenerator(), http);
        }
        var client = new OpenAIClient(key, new OpenAIClientOptions { Endpoint = new Uri(profile.EffectiveEndpoint), Transport = transport, RetryPolicy = Retries });
        return (client.GetEmbeddingClient(model).AsIEmbeddingGenerator(), http);
    }

    private string Names() => string.Join(", ", profiles.All.Select(p => p.Name).Order(StringComparer.Ordinal));

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();

    private sealed class KeylessHandler(bool keyless) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (keyless) request.Headers.Authorization = null;
            return base.SendAsync(request, cancellationToken);
        }
    }
}
