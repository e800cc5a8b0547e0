using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using ChatFlows.Bot.Teams;
using Microsoft.Extensions.DependencyInjection;

namespace ChatFlows.Bot.Tests.Teams;

/// <summary>
/// Inbound authentication of <c>/api/messages</c>: tokens signed here against the local OpenID metadata and JWKS. Only
/// a token that is right in every part is accepted; anything else is 401 (naming what failed) and nothing is stored or
/// started.
/// </summary>
public sealed class TeamsAuthenticationTests : IAsyncLifetime
{
    private TeamsHost _host = null!;

    public async Task InitializeAsync() => _host = await TeamsHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    public static TheoryData<string, string> BadTokens => new()
    {
        { "wrong audience", "audience is not this bot's app id" },
        { "wrong issuer", "was not issued by https://api.botframework.com" },
        { "expired", "has expired" },
        { "unsigned", "signature is missing or invalid" },
        { "unknown key", "signature" },
        { "serviceUrl mismatch", "issued for serviceUrl https://smba.example.net/" },
        { "none", "has no Bot Framework token" },
    };

    [Fact]
    public async Task Message_WithAValidToken_IsAcceptedAndAnswered()
    {
        var message = _host.Message("help", TeamsUser.Developer, Conversation.Channel);

        using var response = await _host.PostActivityAsync(message);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reply = await _host.Connector.WaitForAsync(c => c.Kind == "reply");
        Assert.Contains("**ChatFlows commands**", reply.Text, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task Message_WithABadToken_Is401AndChangesNothing(string what, string failure)
    {
        var serviceUrl = _host.Connector.ServiceUrl;
        using var otherKey = RSA.Create(2048);
        var token = what switch
        {
            "wrong audience" => _host.Identity.CreateToken(serviceUrl, audience: "00000000-0000-0000-0000-000000000001"),
            "wrong issuer" => _host.Identity.CreateToken(serviceUrl, issuer: "https://sts.windows.net/some-tenant/"),
            "expired" => _host.Identity.CreateToken(serviceUrl, expires: DateTimeOffset.UtcNow.AddMinutes(-10)),
            "unsigned" => _host.Identity.CreateUnsignedToken(serviceUrl),
            "unknown key" => _host.Identity.CreateToken(serviceUrl, signWith: otherKey),
            "serviceUrl mismatch" => _host.Identity.CreateToken("https://smba.example.net/"),
            _ => "",
        };

        using var response = await _host.PostActivityAsync(_host.Message("run ship", TeamsUser.Developer, Conversation.Channel), token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        var problem = JsonElement.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains(failure, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var conversations = _host.Services.GetRequiredService<TeamsConversations>();
        Assert.Null(await conversations.FindAsync(Conversation.Channel.Id, CancellationToken.None));
        Assert.Empty(_host.Connector.Calls);
    }
}

/// <summary>With ChatFlows:Teams:Emulator (and no app id) the endpoint serves the Bot Framework Emulator on this machine and nobody else.</summary>
public sealed class TeamsEmulatorModeTests
{
    [Fact]
    public async Task EmulatorMode_ServiceUrlElsewhere_IsRefusedAndNeverCalled()
    {
        await using var host = await TeamsHost.StartAsync(emulator: true);
        var message = (Dictionary<string, object?>)host.Message("help", TeamsUser.Developer, Conversation.Personal, mention: false);
        // A page on this machine (or a local process) names a server the host should never be made to call.
        message["serviceUrl"] = "https://internal-admin.example/";

        using var response = await host.PostActivityAsync(message, token: "");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("loopback", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var conversations = host.Services.GetRequiredService<TeamsConversations>();
        Assert.Null(await conversations.FindAsync(Conversation.Personal.Id, CancellationToken.None));
        // A later message from the real emulator is answered, and nothing but the emulator was ever called.
        using var local = await host.PostActivityAsync(host.Message("help", TeamsUser.Developer, Conversation.Personal, mention: false), token: "");
        Assert.Equal(HttpStatusCode.OK, local.StatusCode);
        await host.Connector.WaitForAsync(c => c.Kind == "reply");
        Assert.All(host.Outbound.All, url => Assert.True(url.IsLoopback, $"The host called {url}."));
    }

    [Fact]
    public async Task EmulatorMode_ConnectorAskedForAnotherServiceUrl_SendsNothing()
    {
        await using var host = await TeamsHost.StartAsync(emulator: true);
        var connector = host.Services.GetRequiredService<TeamsConnector>();

        var elsewhere = new TeamsConversationReference("a:1", "https://internal-admin.example/", null, TeamsConversationReference.Personal, null, null, TeamsHost.BotId, null);

        var refused = await Assert.ThrowsAsync<TeamsConnectorException>(() =>
            connector.SendAsync(elsewhere, "a:1", new TeamsOutgoingActivity { Type = "message", Text = "hi" }, CancellationToken.None));

        Assert.Contains("loopback", refused.Message, StringComparison.Ordinal);
        Assert.Empty(host.Outbound.All);
    }

    [Fact]
    public async Task NoAppIdNorEmulator_LoopbackActivity_IsRefusedNamingBothSettings()
    {
        await using var host = new Access.AccessHost(apiKey: null);
        using var client = host.Client(remote: null);
        var activity = new { type = "message", id = "1", serviceUrl = "http://127.0.0.1:9/", channelId = "msteams", conversation = new { id = "a:1" }, from = new { id = "29:x" }, text = "help" };

        var response = await client.PostAsync("/api/messages", HostFixture.Json(JsonSerializer.Serialize(activity)));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var detail = (await HostFixture.ReadProblemAsync(response)).GetProperty("detail").GetString();
        Assert.Contains("ChatFlows:Teams:AppId", detail, StringComparison.Ordinal);
        Assert.Contains("ChatFlows:Teams:Emulator", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmulatorWithAppId_StopsTheHostNamingTheSetting()
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var host = new Access.AccessHost(apiKey: null, new Dictionary<string, string>
            {
                ["ChatFlows:Teams:AppId"] = TeamsHost.AppId,
                ["ChatFlows:Teams:AppPassword"] = TeamsHost.AppPassword,
                ["ChatFlows:Teams:Emulator"] = "true",
            });
        });

        var validation = failure as Microsoft.Extensions.Options.OptionsValidationException ?? failure.InnerException as Microsoft.Extensions.Options.OptionsValidationException ?? throw failure;
        Assert.Contains("ChatFlows:Teams:Emulator is true while ChatFlows:Teams:AppId is set", validation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmulatorMode_RefusesANonLoopbackCaller_AndServesALoopbackOneWithoutTokens()
    {
        await using var host = await TeamsHost.StartAsync(emulator: true);

        using var remote = await host.PostActivityAsync(host.Message("help", TeamsUser.Developer, Conversation.Personal, mention: false), token: "", remoteAddress: "203.0.113.7");
        Assert.Equal(HttpStatusCode.Unauthorized, remote.StatusCode);
        Assert.Contains("local emulator mode", await remote.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(host.Connector.Calls);

        using var local = await host.PostActivityAsync(host.Message("help", TeamsUser.Developer, Conversation.Personal, mention: false), token: "");
        Assert.Equal(HttpStatusCode.OK, local.StatusCode);
        var reply = await host.Connector.WaitForAsync(c => c.Kind == "reply");
        Assert.Null(reply.Authorization);
        Assert.Empty(host.Identity.TokenRequests);
    }
}
