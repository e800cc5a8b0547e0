namespace ChatFlows.Core.Agents;

/// <summary>The values of <c>ChatFlows:Models:&lt;name&gt;:Provider</c>.</summary>
public static class ModelProviders
{
    /// <summary>OpenAI's API; <c>Endpoint</c> defaults to <see cref="OpenAIEndpoint"/>.</summary>
    public const string OpenAI = "openai";

    /// <summary>Azure OpenAI; <c>Endpoint</c> (the resource URL) and <c>Deployment</c> are required.</summary>
    public const string AzureOpenAI = "azure-openai";

    /// <summary>Any server speaking OpenAI's chat completions API (Ollama, vLLM, LM Studio); <c>Endpoint</c> is required.</summary>
    public const string OpenAICompatible = "openai-compatible";

    /// <summary>OpenAI's own endpoint.</summary>
    public const string OpenAIEndpoint = "https://api.openai.com/v1";

    /// <summary>Every provider, as written in configuration.</summary>
    public static IReadOnlyList<string> All { get; } = [OpenAI, AzureOpenAI, OpenAICompatible];
}
