using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace ChatFlows.Bot.Tests.Slack;

/// <summary>
/// The real host connected to a <see cref="FakeSlackApi"/> on loopback, with a signing secret the tests sign their
/// requests with, as Slack does.
/// </summary>
internal sealed class SlackHost : IAsyncDisposable
{
    public const string SigningSecret = "slack-signing-secret-for-tests";

    private readonly string _folder;
    private readonly WebApplicationFactory<Program> _factory;

    private SlackHost(FakeSlackApi slack, string folder, WebApplicationFactory<Program> factory)
    {
        Slack = slack;
        _folder = folder;
        _factory = factory;
        Client = new HttpClient { BaseAddress = factory.ClientOptions.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public FakeSlackApi Slack { get; }

    public HttpClient Client { get; }

    /// <summary>The host's services, for tests that call the engine the way a platform does.</summary>
    public IServiceProvider Services => _factory.Services;

    /// <summary>Starts a host over a fresh database; <paramref name="time"/> replaces its clock when given.</summary>
    public static async Task<SlackHost> StartAsync(TimeProvider? time = null)
    {
        var slack = await FakeSlackApi.StartAsync();
        var folder = Directory.CreateTempSubdirectory("chatflows-slack-").FullName;
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder
                .UseSetting("urls", "http://127.0.0.1:0")
                .UseSetting("ChatFlows:Storage:ConnectionString", $"Data Source={Path.Combine(folder, "chatflows.db")}")
                .UseSetting("ChatFlows:Storage:KeysDirectory", Path.Combine(folder, "keys"))
                .UseSetting("ChatFlows:Samples:Seed", "false")
                .UseSetting("ChatFlows:Runs:PollInterval", "00:00:00.050")
                .UseSetting("ChatFlows:Chat:UpdateInterval", "00:00:00.200")
                .UseSetting("ChatFlows:Slack:SigningSecret", SigningSecret)
                .UseSetting("ChatFlows:Slack:BotToken", FakeSlackApi.DefaultBotToken)
                .UseSetting("ChatFlows:Slack:ApiBaseUrl", slack.ApiBaseUrl);
            if (time is not null) builder.ConfigureTestServices(services => services.AddSingleton(time));
        });
        factory.UseKestrel(0);
        factory.StartServer();
        return new SlackHost(slack, folder, factory);
    }

    /// <summary>Posts a body signed as Slack signs it (now, or at <paramref name="at"/>), optionally with a forged signature.</summary>
    public async Task<HttpResponseMessage> PostSignedAsync(
        string path, string body, string contentType, DateTimeOffset? at = null, string? signature = null, int? retryNum = null)
    {
        using var request = SlackRequests.Signed(path, body, contentType, at, signature, retryNum);
        return await Client.SendAsync(request);
    }

    /// <summary>A <c>/run</c> slash command as Slack sends it (form-encoded).</summary>
    public Task<HttpResponseMessage> SlashCommandAsync(string text, string user, string channel, string responseId) =>
        PostSignedAsync("/slack/commands", SlackRequests.SlashCommand(text, user, channel, Slack.ResponseUrl(responseId)), SlackRequests.FormContentType);

    /// <summary>A click on a Block Kit button as Slack sends it (<c>payload</c> form field with block_actions).</summary>
    public Task<HttpResponseMessage> ClickAsync(string user, string channel, string messageTs, string actionId, string value, string responseId) =>
        PostSignedAsync("/slack/interactions", SlackRequests.Click(user, channel, messageTs, actionId, value, Slack.ResponseUrl(responseId)), SlackRequests.FormContentType);

    /// <summary>A modal's submission as Slack sends it (<c>payload</c> form field with view_submission).</summary>
    public Task<HttpResponseMessage> SubmitViewAsync(string user, string callbackId, string privateMetadata, string? comment) =>
        PostSignedAsync("/slack/interactions", SlackRequests.ViewSubmission(user, callbackId, privateMetadata, comment), SlackRequests.FormContentType);

    public async Task CreateWorkflowAsync(string json)
    {
        using var response = await Client.PostAsync("/api/workflows", HostFixture.Json(json));
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _factory.DisposeAsync();
        await Slack.DisposeAsync();
        SqliteConnection.ClearAllPools();
        TestFolder.Delete(_folder);
    }
}
