using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Azure.AI.OpenAI;
using ChatFlows.Core.Telemetry;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using OpenAI;
using OpenAI.Chat;

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
        // Model calls go through Microsoft.Extensions.AI's OpenTelemetry client, which makes the chat {model} span and
        // the gen_ai.client.* metrics of each (README §Telemetry); Semantic Kernel's bridge over it keeps the runner on
        // Semantic Kernel's chat history, settings and functions.
        var chat = ChatClientFor(profile, http).AsIChatClient().AsBuilder()
            .UseOpenTelemetry(_loggerFactory, ChatFlowsTelemetry.ModelCalls)
            .Build();
        var builder = Kernel.CreateBuilder();
        if (_loggerFactory is not null) builder.Services.AddSingleton(_loggerFactory);
        return new ProfileClient(builder.Build(), chat, chat.AsChatCompletionService(), http);
    }

    // The clients get the options Semantic Kernel's OpenAI connector gave them: the profile's HttpClient, whose timeout
    // bounds each call, and no retries of their own (a node's retry policy decides that).
    private static ChatClient ChatClientFor(ModelProfile profile, HttpClient http)
    {
        if (profile.IsProvider(ModelProviders.AzureOpenAI))
        {
            var azure = new AzureOpenAIClient(new Uri(profile.EffectiveEndpoint), new ApiKeyCredential(profile.ApiKey!), WithHttp(new AzureOpenAIClientOptions(), http));
            return azure.GetChatClient(profile.Deployment!.Trim());
        }
        var options = WithHttp(new OpenAIClientOptions(), http);
        if (!profile.IsProvider(ModelProviders.OpenAI) || !string.IsNullOrWhiteSpace(profile.Endpoint)) options.Endpoint = new Uri(profile.EffectiveEndpoint);
        // OpenAI's client wants a key even where the server needs none; CompatibleServerHandler drops the header then.
        var key = string.IsNullOrWhiteSpace(profile.ApiKey) ? " " : profile.ApiKey;
        return new OpenAIClient(new ApiKeyCredential(key), options).GetChatClient(profile.Model?.Trim() ?? "");
    }

    private static T WithHttp<T>(T options, HttpClient http) where T : ClientPipelineOptions
    {
        options.Transport = new HttpClientPipelineTransport(http);
        options.RetryPolicy = new ClientRetryPolicy(maxRetries: 0);
        options.NetworkTimeout = Timeout.InfiniteTimeSpan;
        return options;
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
