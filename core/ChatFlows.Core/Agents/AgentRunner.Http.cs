using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;

namespace ChatFlows.Core.Agents;

public sealed partial class AgentRunner
{
    private ProfileClient CreateClient(ModelProfile profile)
    {
        // Connections are recycled so a changed DNS entry is picked up; the timeout bounds each model call.
        HttpMessageHandler handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        if (profile.IsProvider(ModelProviders.OpenAICompatible))
        {
            handler = new CompatibleServerHandler(sendsKey: !string.IsNullOrWhiteSpace(profile.ApiKey)) { InnerHandler = handler };
        }
        var http = new HttpClient(handler)
        {
            Timeout = profile.Timeout ?? ModelProfile.DefaultTimeout,
        };
        var builder = Kernel.CreateBuilder();
        if (_loggerFactory is not null) builder.Services.AddSingleton(_loggerFactory);
        var model = profile.Model?.Trim() ?? "";
        if (profile.IsProvider(ModelProviders.AzureOpenAI))
        {
            builder.AddAzureOpenAIChatCompletion(profile.Deployment!.Trim(), profile.EffectiveEndpoint, profile.ApiKey!, modelId: profile.Model, httpClient: http);
        }
        else if (profile.IsProvider(ModelProviders.OpenAI) && string.IsNullOrWhiteSpace(profile.Endpoint))
        {
            builder.AddOpenAIChatCompletion(model, profile.ApiKey!, httpClient: http);
        }
        else
        {
            builder.AddOpenAIChatCompletion(model, new Uri(profile.EffectiveEndpoint), string.IsNullOrWhiteSpace(profile.ApiKey) ? null : profile.ApiKey, httpClient: http);
        }
        return new ProfileClient(builder.Build(), http);
    }

    /// <summary>
    /// Adapts OpenAI's client to OpenAI-compatible servers. It sends an agent's output limit as
    /// <c>max_completion_tokens</c>, which Ollama and llama.cpp ignore (they read the older <c>max_tokens</c>), and,
    /// without a key, an empty <c>Authorization: Bearer</c> header that a server without keys has no use for.
    /// </summary>
    private sealed class CompatibleServerHandler(bool sendsKey) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (!sendsKey) request.Headers.Authorization = null;
            if (request.Method == HttpMethod.Post && request.Content is { Headers.ContentType.MediaType: "application/json" } content
                && JsonNode.Parse(await content.ReadAsStringAsync(cancellationToken)) is JsonObject body
                && body.ContainsKey("max_completion_tokens") && !body.ContainsKey("max_tokens"))
            {
                body.Remove("max_completion_tokens", out var limit);
                body["max_tokens"] = limit;
                request.Content = new StringContent(body.ToJsonString(), new MediaTypeHeaderValue("application/json"));
            }
            return await base.SendAsync(request, cancellationToken);
        }
    }
}
