using ChatFlows.Core.Agents;
using Microsoft.Extensions.Configuration;

namespace ChatFlows.Core.Tests.Agents;

public sealed class ModelProfilesTests
{
    private static readonly AgentDefinition Agent = new() { Id = "summarizer", Name = "Summarizer" };

    private static ModelProfile Ollama(bool isDefault = false) => new()
    {
        Provider = "openai-compatible",
        Model = "llama3.1",
        Endpoint = "http://localhost:11434/v1",
        Default = isDefault,
    };

    private static ModelProfiles Profiles(params (string Name, ModelProfile Profile)[] profiles) =>
        new(profiles.Select(p => KeyValuePair.Create(p.Name, p.Profile)));

    [Fact]
    public void Constructor_ProfilesBoundFromEnvironmentStyleKeys_AreNamedAndTyped()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ChatFlows:Models:local:Provider"] = "openai-compatible",
            ["ChatFlows:Models:local:Model"] = "llama3.1",
            ["ChatFlows:Models:local:Endpoint"] = "http://localhost:11434/v1",
            ["ChatFlows:Models:local:Default"] = "true",
            ["ChatFlows:Models:local:Timeout"] = "00:00:30",
            ["ChatFlows:Models:local:InputPricePerMillionTokens"] = "0.5",
        }).Build();

        var profiles = new ModelProfiles(configuration.GetSection(ModelProfiles.Section).Get<Dictionary<string, ModelProfile>>());

        Assert.Empty(profiles.Validate());
        var local = profiles.Find("LOCAL")!;
        Assert.Equal(("local", true, TimeSpan.FromSeconds(30), 0.5m), (local.Name, local.Default, local.Timeout, local.InputPricePerMillionTokens));
    }

    [Fact]
    public void Validate_OllamaProfileWithoutKey_HasNoProblems()
    {
        Assert.Empty(Profiles(("local", Ollama())).Validate());
    }

    [Fact]
    public void Validate_OpenAIProfileWithKeyOnly_UsesOpenAIsEndpoint()
    {
        var profiles = Profiles(("gpt", new ModelProfile { Provider = "openai", Model = "gpt-4o-mini", ApiKey = "sk-1" }));

        Assert.Empty(profiles.Validate());
        Assert.Equal("https://api.openai.com/v1", profiles.Find("gpt")!.EffectiveEndpoint);
    }

    [Fact]
    public void Validate_EndpointNotAnAbsoluteUrl_NamesTheKey()
    {
        var profile = Ollama();
        profile.Endpoint = "localhost:11434/v1";

        var problem = Assert.Single(Profiles(("local", profile)).Validate());

        Assert.Equal("ChatFlows:Models:local:Endpoint must be an absolute http or https URL, like http://localhost:11434/v1; 'localhost:11434/v1' is not.", problem);
    }

    [Theory]
    [InlineData("http://models.internal:8000/v1")]
    [InlineData("http://10.0.0.5:11434/v1")]
    public void Validate_PlainHttpToAnotherHost_IsRefused(string endpoint)
    {
        var profile = Ollama();
        profile.Endpoint = endpoint;

        var problem = Assert.Single(Profiles(("local", profile)).Validate());

        Assert.StartsWith("ChatFlows:Models:local:Endpoint uses plain http to ", problem, StringComparison.Ordinal);
        Assert.EndsWith("; use https, or plain http only for a loopback host (localhost, 127.0.0.1, [::1]).", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://localhost:11434/v1")]
    [InlineData("http://127.0.0.1:1234/v1")]
    [InlineData("http://[::1]:8000/v1")]
    [InlineData("https://models.example.com/v1")]
    public void Validate_LoopbackOrHttps_IsAccepted(string endpoint)
    {
        var profile = Ollama();
        profile.Endpoint = endpoint;

        Assert.Empty(Profiles(("local", profile)).Validate());
    }

    [Fact]
    public void Validate_UnknownProvider_ListsTheKnownOnes()
    {
        var problem = Assert.Single(Profiles(("local", new ModelProfile { Provider = "anthropic", Model = "claude" })).Validate());

        Assert.Equal("ChatFlows:Models:local:Provider is 'anthropic', which is not a known provider; use one of openai, azure-openai, openai-compatible.", problem);
    }

    [Fact]
    public void Validate_MissingProvider_SaysWhichKeyToSet()
    {
        var problem = Assert.Single(Profiles(("local", new ModelProfile { Model = "llama3.1" })).Validate());

        Assert.Equal("ChatFlows:Models:local:Provider is missing; set it to one of openai, azure-openai, openai-compatible.", problem);
    }

    [Fact]
    public void Validate_TwoDefaults_NamesBothKeys()
    {
        var problem = Assert.Single(Profiles(("a", Ollama(isDefault: true)), ("b", Ollama(isDefault: true))).Validate());

        Assert.Equal("ChatFlows:Models:a:Default and ChatFlows:Models:b:Default are all true; only one profile may be the default.", problem);
    }

    [Fact]
    public void Validate_AzureWithoutDeploymentEndpointOrKey_NamesEachKey()
    {
        var problems = Profiles(("azure", new ModelProfile { Provider = "azure-openai" })).Validate();

        Assert.Equal(
            [
                "ChatFlows:Models:azure:Deployment is missing; Azure OpenAI needs the name of the model's deployment.",
                "ChatFlows:Models:azure:Endpoint is missing; azure-openai needs the API's base URL, like https://my-resource.openai.azure.com/.",
                "ChatFlows:Models:azure:ApiKey is missing; azure-openai needs an API key (keep it in user-secrets or the environment).",
            ],
            problems);
    }

    [Fact]
    public void Validate_CompatibleWithoutModelOrEndpoint_NamesEachKey()
    {
        var problems = Profiles(("local", new ModelProfile { Provider = "openai-compatible" })).Validate();

        Assert.Equal(
            [
                "ChatFlows:Models:local:Model is missing; set it to the model's name, like gpt-4o-mini or llama3.1.",
                "ChatFlows:Models:local:Endpoint is missing; openai-compatible needs the API's base URL, like http://localhost:11434/v1.",
            ],
            problems);
    }

    [Fact]
    public void Validate_NegativePriceAndZeroTimeout_NameTheKeys()
    {
        var profile = Ollama();
        profile.InputPricePerMillionTokens = -1;
        profile.Timeout = TimeSpan.Zero;

        Assert.Equal(
            ["ChatFlows:Models:local:InputPricePerMillionTokens must be zero or more.", "ChatFlows:Models:local:Timeout must be a positive duration, like 00:02:00."],
            Profiles(("local", profile)).Validate());
    }

    [Fact]
    public void TryResolve_OnlyProfile_IsUsedWithoutDefaultFlag()
    {
        Assert.True(Profiles(("local", Ollama())).TryResolve(Agent, out var profile, out _));
        Assert.Equal("local", profile.Name);
    }

    [Fact]
    public void TryResolve_SeveralProfiles_PicksTheDefault()
    {
        Assert.True(Profiles(("a", Ollama()), ("b", Ollama(isDefault: true)), ("c", Ollama())).TryResolve(Agent, out var profile, out _));
        Assert.Equal("b", profile.Name);
    }

    [Fact]
    public void TryResolve_AgentNamesAProfile_PicksItWhateverTheCase()
    {
        var profiles = Profiles(("Local", Ollama()), ("other", Ollama(isDefault: true)));

        Assert.True(profiles.TryResolve(Agent with { Model = "local" }, out var profile, out _));
        Assert.Equal("Local", profile.Name);
    }

    [Fact]
    public void TryResolve_SeveralProfilesWithoutDefault_SaysToMarkOne()
    {
        Assert.False(Profiles(("b", Ollama()), ("a", Ollama())).TryResolve(Agent, out _, out var error));

        Assert.Equal(
            "Agent 'summarizer' names no model profile and none of the configured ones (a, b) is the default; set ChatFlows:Models:<name>:Default to true for one of them, or choose one in the agent.",
            error);
    }

    [Fact]
    public void TryResolve_TwoDefaults_SaysToKeepOne()
    {
        Assert.False(Profiles(("a", Ollama(true)), ("b", Ollama(true)), ("c", Ollama())).TryResolve(Agent, out _, out var error));

        Assert.Equal(
            "Agent 'summarizer' names no model profile and several are the default (a, b); set ChatFlows:Models:<name>:Default to true for only one of them.",
            error);
    }

    [Fact]
    public void TryResolve_BrokenProfile_SaysWhatIsWrongWithIt()
    {
        var profile = Ollama();
        profile.Endpoint = "http://gpu-box:11434/v1";

        Assert.False(Profiles(("local", profile)).TryResolve(Agent, out _, out var error));

        Assert.Equal(
            "Agent 'summarizer' uses model profile 'local', which is not usable: ChatFlows:Models:local:Endpoint uses plain http to gpu-box; use https, or plain http only for a loopback host (localhost, 127.0.0.1, [::1]).",
            error);
    }

    [Fact]
    public void CostOf_BothPrices_PricesPromptAndCompletionTokens()
    {
        var profile = new ModelProfile { InputPricePerMillionTokens = 0.15m, OutputPricePerMillionTokens = 0.60m };

        Assert.Equal(0.00075m, profile.CostOf(1_000, 1_000));
        Assert.Null(new ModelProfile().CostOf(1_000, 1_000));
    }

    [Fact]
    public void ToString_ProfileWithKey_LeavesTheKeyOut()
    {
        var profile = Ollama();
        profile.ApiKey = "sk-secret";

        Assert.DoesNotContain("sk-secret", Profiles(("local", profile)).Find("local")!.ToString(), StringComparison.Ordinal);
    }
}
