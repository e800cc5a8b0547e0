namespace ChatFlows.Core.Agents;

/// <summary>
/// One model profile, bound from <c>ChatFlows:Models:&lt;name&gt;</c>: which provider and model an agent talks to, how
/// to reach it, and what its tokens cost. <see cref="ModelProfiles"/> checks it and names it.
/// </summary>
public sealed class ModelProfile
{
    /// <summary>How long one model call may take when <see cref="Timeout"/> is not set.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(120);

    /// <summary>The profile's name: its key under <c>ChatFlows:Models</c>. Set by <see cref="ModelProfiles"/>.</summary>
    public string Name { get; private set; } = "";

    /// <summary><c>openai</c>, <c>azure-openai</c> or <c>openai-compatible</c> (see <see cref="ModelProviders"/>).</summary>
    public string? Provider { get; set; }

    /// <summary>The model id, e.g. <c>gpt-4o-mini</c> or <c>llama3.1</c>; for Azure OpenAI only informative.</summary>
    public string? Model { get; set; }

    /// <summary>
    /// The API's base URL, e.g. <c>http://localhost:11434/v1</c>; for Azure OpenAI the resource URL. Plain http is
    /// accepted for loopback hosts only.
    /// </summary>
    public string? Endpoint { get; set; }

    /// <summary>The API key; optional for <c>openai-compatible</c> servers that need none.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The Azure OpenAI deployment name.</summary>
    public string? Deployment { get; set; }

    /// <summary>True for the profile agents without a model of their own use.</summary>
    public bool Default { get; set; }

    /// <summary>What a million prompt tokens cost, in any currency; with the output price it gives a node's cost.</summary>
    public decimal? InputPricePerMillionTokens { get; set; }

    /// <summary>What a million completion tokens cost, in the same currency.</summary>
    public decimal? OutputPricePerMillionTokens { get; set; }

    /// <summary>How long one model call may take; <see cref="DefaultTimeout"/> when not set.</summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary>
    /// The model that turns text into vectors at the same endpoint's <c>/embeddings</c>, e.g. <c>nomic-embed-text</c>;
    /// knowledge bases need a profile that has one.
    /// </summary>
    public string? EmbeddingModel { get; set; }

    /// <summary>How many tokens the model reads at most (prompt and answer); an agent's input and history are trimmed to fit.</summary>
    public int? ContextWindow { get; set; }

    /// <summary>The endpoint requests go to, with OpenAI's own filled in for <c>openai</c> profiles without one.</summary>
    public string EffectiveEndpoint =>
        string.IsNullOrWhiteSpace(Endpoint) && IsProvider(ModelProviders.OpenAI) ? ModelProviders.OpenAIEndpoint : Endpoint?.Trim() ?? "";

    /// <summary>The configuration key of one of this profile's settings, e.g. <c>ChatFlows:Models:local:ApiKey</c>.</summary>
    public string Key(string setting) => $"{ModelProfiles.Section}:{Name}:{setting}";

    /// <summary>True when <see cref="Provider"/> is <paramref name="provider"/> (case-insensitive).</summary>
    public bool IsProvider(string provider) => string.Equals(Provider?.Trim(), provider, StringComparison.OrdinalIgnoreCase);

    /// <summary>The cost of some tokens at this profile's prices, or null when it gives none.</summary>
    public decimal? CostOf(long promptTokens, long completionTokens)
    {
        if (InputPricePerMillionTokens is null && OutputPricePerMillionTokens is null) return null;
        // A price left out counts as free, so a profile that prices only one side still shows a cost.
        return (promptTokens * (InputPricePerMillionTokens ?? 0m) + completionTokens * (OutputPricePerMillionTokens ?? 0m)) / 1_000_000m;
    }

    /// <summary>The settings without the API key, for logs and messages.</summary>
    public override string ToString() => $"{Name} ({Provider} {Model} at {EffectiveEndpoint})";

    internal ModelProfile Named(string name)
    {
        var copy = (ModelProfile)MemberwiseClone();
        copy.Name = name;
        return copy;
    }
}
