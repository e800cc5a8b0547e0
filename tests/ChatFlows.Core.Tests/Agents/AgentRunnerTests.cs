using System.Net;
using System.Net.Sockets;
using ChatFlows.Core.Agents;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;
using Microsoft.Extensions.Time.Testing;

namespace ChatFlows.Core.Tests.Agents;

/// <summary>The agent runner on its own: providers, time limits and connection failures.</summary>
[Collection(ModelServerCollection.Name)]
public sealed class AgentRunnerTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));
    private FakeModelServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeModelServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task RunAsync_ModelSlowerThanProfileTimeout_FailsNamingTheTimeoutKey()
    {
        var profile = AgentHarness.LocalProfile(_server);
        profile.Timeout = TimeSpan.FromMilliseconds(300);
        using var runner = Runner(profile);
        _server.Reply = _ => ModelReply.Never;

        var error = await Assert.ThrowsAsync<NodeException>(() => runner.RunAsync(AgentHarness.Summarizer(), "hello"));

        Assert.Equal(
            $"Model profile 'local' ({_server.Endpoint}) did not answer within 300 ms; raise ChatFlows:Models:local:Timeout or use a faster model.",
            error.Message);
    }

    [Fact]
    public async Task RunAsync_NothingListensAtTheEndpoint_SaysItCannotBeReached()
    {
        var profile = AgentHarness.LocalProfile(_server);
        profile.Endpoint = $"http://127.0.0.1:{ClosedPort()}/v1";
        using var runner = Runner(profile);

        var error = await Assert.ThrowsAsync<NodeException>(() => runner.RunAsync(AgentHarness.Summarizer(), "hello"));

        Assert.StartsWith($"Model profile 'local' ({profile.Endpoint}) could not be reached: ", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("; check ChatFlows:Models:local:Endpoint and that the server is running.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_CancelledWhileWaiting_ThrowsCancellationNotAFailure()
    {
        using var runner = Runner(AgentHarness.LocalProfile(_server));
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.Reply = _ =>
        {
            arrived.TrySetResult();
            return ModelReply.Never;
        };
        using var cts = new CancellationTokenSource();

        var running = runner.RunAsync(AgentHarness.Summarizer(), "hello", ct: cts.Token);
        await arrived.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
    }

    [Fact]
    public async Task RunAsync_AzureProfile_CallsTheDeploymentWithItsApiKey()
    {
        using var runner = Runner(new ModelProfile
        {
            Provider = ModelProviders.AzureOpenAI,
            Endpoint = _server.BaseUrl,
            Deployment = "chat-prod",
            ApiKey = "azure-key",
        });
        _server.Reply = _ => ModelReply.Answer("Hello from Azure.", 3, 4);

        var answer = await runner.RunAsync(AgentHarness.Summarizer() with { Tools = [] }, "hello");

        Assert.Equal("Hello from Azure.", answer.Text);
        var request = _server.Requests.Single();
        Assert.Equal("/openai/deployments/chat-prod/chat/completions", request.Path);
        Assert.Equal("azure-key", request.ApiKey);
        Assert.Equal((3L, 4L), (answer.Usage!.PromptTokens, answer.Usage!.CompletionTokens));
    }

    [Fact]
    public async Task RunAsync_OpenAIProfileWithEndpoint_SendsMaxCompletionTokensAndKey()
    {
        using var runner = Runner(new ModelProfile
        {
            Provider = ModelProviders.OpenAI,
            Model = "gpt-4o-mini",
            Endpoint = _server.Endpoint,
            ApiKey = "sk-openai",
        });
        _server.Reply = _ => ModelReply.Answer("ok", 1, 1);

        await runner.RunAsync(AgentHarness.Summarizer() with { Tools = [] }, "hello");

        var request = _server.Requests.Single();
        Assert.Equal(300, request.Body.GetProperty("max_completion_tokens").GetInt32());
        Assert.Equal("Bearer sk-openai", request.Authorization);
    }

    [Fact]
    public async Task RunAsync_AgentWithoutInstructions_SendsOnlyTheUserMessage()
    {
        using var runner = Runner(AgentHarness.LocalProfile(_server));
        _server.Reply = _ => ModelReply.Answer("ok", 1, 1);

        await runner.RunAsync(AgentHarness.Summarizer() with { Instructions = "", Temperature = null, MaxOutputTokens = null }, "hello");

        var request = _server.Requests.Single();
        Assert.Equal("user", Assert.Single(request.Messages).GetProperty("role").GetString());
        Assert.False(request.Body.TryGetProperty("temperature", out _));
        Assert.False(request.Body.TryGetProperty("max_tokens", out _));
    }

    [Fact]
    public async Task RunAsync_ProfileWithoutPrices_ReportsTokensWithoutCost()
    {
        var profile = AgentHarness.LocalProfile(_server);
        profile.InputPricePerMillionTokens = null;
        profile.OutputPricePerMillionTokens = null;
        using var runner = Runner(profile);
        _server.Reply = _ => ModelReply.Answer("ok", 7, 2);

        var answer = await runner.RunAsync(AgentHarness.Summarizer() with { Tools = [] }, "hello");

        Assert.Equal(new TokenUsage(7, 2, null), answer.Usage);
    }

    private AgentRunner Runner(ModelProfile profile) =>
        new(new ModelProfiles(new Dictionary<string, ModelProfile> { ["local"] = profile }), new AgentToolCatalog(_time), _time);

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
