using System.Diagnostics.CodeAnalysis;

namespace ChatFlows.Core.Agents;

/// <summary>
/// The model profiles under <c>ChatFlows:Models</c>. A profile that is missing or wrong never stops the host: only
/// the agent nodes that need it fail, with a message naming the key to set.
/// </summary>
public sealed class ModelProfiles
{
    /// <summary>The configuration section the profiles live under.</summary>
    public const string Section = "ChatFlows:Models";

    private const string SeeReadme = "(see README, Agents and models)";
    private readonly Dictionary<string, ModelProfile> _profiles;

    /// <summary>
    /// Takes the profiles by name, as bound from configuration:
    /// <c>configuration.GetSection(ModelProfiles.Section).Get&lt;Dictionary&lt;string, ModelProfile&gt;&gt;()</c>.
    /// </summary>
    public ModelProfiles(IEnumerable<KeyValuePair<string, ModelProfile>>? profiles = null)
    {
        // Configuration keys are case-insensitive, so profile names are too.
        _profiles = new Dictionary<string, ModelProfile>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, profile) in profiles ?? []) _profiles[name] = profile.Named(name);
    }

    /// <summary>Every profile, by name.</summary>
    public IReadOnlyCollection<ModelProfile> All => _profiles.Values;

    /// <summary>The profile with this name, or null.</summary>
    public ModelProfile? Find(string name) => _profiles.GetValueOrDefault(name);

    /// <summary>
    /// Every problem with the configured profiles, each a sentence that starts with the key to fix
    /// (<c>ChatFlows:Models:local:Endpoint must be an absolute URL…</c>); empty when all are usable.
    /// </summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        foreach (var profile in _profiles.Values.OrderBy(p => p.Name, StringComparer.Ordinal)) problems.AddRange(ProblemsOf(profile));
        var defaults = Defaults();
        if (defaults.Count > 1)
        {
            problems.Add($"{string.Join(" and ", defaults.Select(p => p.Key("Default")))} are all true; only one profile may be the default.");
        }
        return problems;
    }

    /// <summary>
    /// The profile <paramref name="agent"/> uses: its own <see cref="AgentDefinition.Model"/>, else the default one
    /// (the one with <c>Default: true</c>, or the only one). On failure, <paramref name="error"/> says which key to set.
    /// </summary>
    public bool TryResolve(AgentDefinition agent, [NotNullWhen(true)] out ModelProfile? profile, [NotNullWhen(false)] out string? error)
    {
        profile = null;
        var subject = $"Agent '{agent.Id}'";
        if (!string.IsNullOrWhiteSpace(agent.Model))
        {
            var name = agent.Model.Trim();
            if (!_profiles.TryGetValue(name, out profile))
            {
                error = $"{subject} uses model profile '{name}', which is not configured; set {Section}:{name}:Provider, :Model and :Endpoint {SeeReadme}.";
                return false;
            }
        }
        else if (_profiles.Count == 0)
        {
            error = $"{subject} needs a model, but no model profile is configured; set {Section}:<name>:Provider, :Model and :Endpoint {SeeReadme}.";
            return false;
        }
        else if (_profiles.Count == 1)
        {
            profile = _profiles.Values.First();
        }
        else
        {
            var defaults = Defaults();
            if (defaults.Count != 1)
            {
                var names = string.Join(", ", (defaults.Count == 0 ? _profiles.Values.ToList() : defaults).Select(p => p.Name).Order(StringComparer.Ordinal));
                error = defaults.Count == 0
                    ? $"{subject} names no model profile and none of the configured ones ({names}) is the default; set {Section}:<name>:Default to true for one of them, or choose one in the agent."
                    : $"{subject} names no model profile and several are the default ({names}); set {Section}:<name>:Default to true for only one of them.";
                return false;
            }
            profile = defaults[0];
        }

        var problems = ProblemsOf(profile);
        if (problems.Count > 0)
        {
            error = $"{subject} uses model profile '{profile.Name}', which is not usable: {string.Join(" ", problems)}";
            profile = null;
            return false;
        }
        error = null;
        return true;
    }

    private List<ModelProfile> Defaults() => _profiles.Values.Where(p => p.Default).OrderBy(p => p.Name, StringComparer.Ordinal).ToList();

    private static List<string> ProblemsOf(ModelProfile profile)
    {
        var problems = new List<string>();
        var providers = string.Join(", ", ModelProviders.All);
        if (string.IsNullOrWhiteSpace(profile.Provider))
        {
            problems.Add($"{profile.Key("Provider")} is missing; set it to one of {providers}.");
            return problems;
        }
        if (!ModelProviders.All.Any(profile.IsProvider))
        {
            problems.Add($"{profile.Key("Provider")} is '{profile.Provider}', which is not a known provider; use one of {providers}.");
            return problems;
        }

        var azure = profile.IsProvider(ModelProviders.AzureOpenAI);
        if (!azure && string.IsNullOrWhiteSpace(profile.Model))
        {
            problems.Add($"{profile.Key("Model")} is missing; set it to the model's name, like gpt-4o-mini or llama3.1.");
        }
        if (azure && string.IsNullOrWhiteSpace(profile.Deployment))
        {
            problems.Add($"{profile.Key("Deployment")} is missing; Azure OpenAI needs the name of the model's deployment.");
        }

        if (string.IsNullOrWhiteSpace(profile.EffectiveEndpoint))
        {
            var example = azure ? "https://my-resource.openai.azure.com/" : "http://localhost:11434/v1";
            problems.Add($"{profile.Key("Endpoint")} is missing; {profile.Provider} needs the API's base URL, like {example}.");
        }
        else if (EndpointProblem(profile.EffectiveEndpoint) is { } endpointProblem)
        {
            problems.Add($"{profile.Key("Endpoint")} {endpointProblem}");
        }

        if (!profile.IsProvider(ModelProviders.OpenAICompatible) && string.IsNullOrWhiteSpace(profile.ApiKey))
        {
            problems.Add($"{profile.Key("ApiKey")} is missing; {profile.Provider} needs an API key (keep it in user-secrets or the environment).");
        }
        if (profile.InputPricePerMillionTokens < 0) problems.Add($"{profile.Key("InputPricePerMillionTokens")} must be zero or more.");
        if (profile.OutputPricePerMillionTokens < 0) problems.Add($"{profile.Key("OutputPricePerMillionTokens")} must be zero or more.");
        if (profile.Timeout <= TimeSpan.Zero) problems.Add($"{profile.Key("Timeout")} must be a positive duration, like 00:02:00.");
        return problems;
    }

    private static string? EndpointProblem(string endpoint)
    {
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return $"must be an absolute http or https URL, like http://localhost:11434/v1; '{endpoint}' is not.";
        }
        if (uri.Scheme == Uri.UriSchemeHttp && !uri.IsLoopback)
        {
            return $"uses plain http to {uri.Host}; use https, or plain http only for a loopback host (localhost, 127.0.0.1, [::1]).";
        }
        return null;
    }
}
