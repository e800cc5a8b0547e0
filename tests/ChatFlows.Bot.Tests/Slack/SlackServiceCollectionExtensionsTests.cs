using ChatFlows.Bot.Chat;
using ChatFlows.Bot.Slack;
using ChatFlows.Core.Messaging;
using ChatFlows.Core.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ChatFlows.Bot.Tests.Slack;

public sealed class SlackServiceCollectionExtensionsTests
{
    private static Dictionary<string, string?> Settings(string? botToken = FakeSlackApi.DefaultBotToken, string? apiBaseUrl = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ChatFlows:Slack:SigningSecret"] = SlackTestServices.SigningSecret,
            ["ChatFlows:Slack:BotToken"] = botToken,
        };
        if (apiBaseUrl is not null) settings["ChatFlows:Slack:ApiBaseUrl"] = apiBaseUrl;
        return settings;
    }

    [Fact]
    public void AddSlack_Connected_ServesSlackAsPresenterAndChannel()
    {
        using var services = SlackTestServices.Create(Settings());

        var presenter = services.GetRequiredService<SlackPresenter>();
        // Registered once, as a channel; the one registry finds it as the presenter of slack: addresses.
        Assert.Same(presenter, services.GetServices<IChatChannel>().Single(c => c.Platform == "slack"));
        Assert.Same(presenter, new ChatChannels(services.GetServices<IChatChannel>()).For<IChatPresenter>("slack:C0123ABCD"));
    }

    [Fact]
    public async Task AddSlack_NoBotToken_LeavesSlackNotConnected()
    {
        using var services = SlackTestServices.Create(Settings(botToken: ""));

        Assert.Empty(services.GetServices<IChatChannel>());
        Assert.NotNull(services.GetRequiredService<SlackApi>());
        var channels = new ChatChannels(services.GetServices<IChatChannel>());
        var message = new ChatMessage { Target = "slack:C0123ABCD", Text = "hi", RunId = "r", WorkflowId = "w", NodeId = "n" };
        var e = await Assert.ThrowsAsync<NodeException>(() => channels.PostAsync(message, CancellationToken.None));
        Assert.Contains("Slack is not connected", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddSlack_Defaults_CallSlacksWebApi()
    {
        using var services = SlackTestServices.Create(Settings());

        var options = services.GetRequiredService<IOptions<SlackOptions>>().Value;
        Assert.Equal(new Uri("https://slack.com/api/"), options.ApiBaseUri);
    }

    [Theory]
    [InlineData("http://slack.example.com/api/", "ChatFlows:Slack:ApiBaseUrl uses plain http to slack.example.com")]
    [InlineData("not a url", "ChatFlows:Slack:ApiBaseUrl must be an absolute https URL")]
    [InlineData("", "ChatFlows:Slack:ApiBaseUrl must be an absolute https URL")]
    public void AddSlack_UnusableApiBaseUrl_FailsValidationNamingTheKey(string url, string message)
    {
        using var services = SlackTestServices.Create(Settings(apiBaseUrl: url));

        var e = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<SlackOptions>>().Value);

        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddSlack_NotConnectedWithBadUrl_StillFailsValidation()
    {
        using var services = SlackTestServices.Create(new Dictionary<string, string?> { ["ChatFlows:Slack:ApiBaseUrl"] = "ftp://127.0.0.1/" });

        Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<SlackOptions>>().Value);
    }

    [Fact]
    public async Task AddSlack_ApiBaseUrlWithoutTrailingSlash_CallsMethodsBeneathIt()
    {
        await using var slack = await FakeSlackApi.StartAsync();
        using var services = SlackTestServices.Create(Settings(apiBaseUrl: slack.BaseUrl + "/api"));

        await services.GetRequiredService<SlackApi>().PostMessageAsync("C0123ABCD", new SlackMessage("hi"), null, CancellationToken.None);

        Assert.Equal("/api/chat.postMessage", slack.Calls.Single().Path);
    }
}
