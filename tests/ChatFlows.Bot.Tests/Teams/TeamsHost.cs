using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ChatFlows.Bot.Teams;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace ChatFlows.Bot.Tests.Teams;

/// <summary>
/// The real host connected to Teams fakes on loopback: a <see cref="FakeBotConnector"/> as the conversations'
/// serviceUrl and a <see cref="FakeBotIdentity"/> for the OpenID metadata and the bot's tokens. Activities are posted to
/// <c>/api/messages</c> as the Connector posts them, with a token the identity fake signed. In emulator mode no app id is
/// set; a request may then pretend to come from another address (<see cref="RemoteAddressOverride.Header"/>).
/// </summary>
internal sealed class TeamsHost : IAsyncDisposable
{
    public const string AppId = "5d7e8f10-2b3c-4d5e-8f90-a1b2c3d4e5f6";
    public const string AppPassword = "teams-app-password-for-tests";
    public const string BotId = "28:" + AppId;

    private readonly string _folder;
    private readonly WebApplicationFactory<Program> _factory;
    private int _nextActivity;

    private TeamsHost(FakeBotConnector connector, FakeBotIdentity identity, string folder, WebApplicationFactory<Program> factory, CallRecorder<Uri> outbound)
    {
        Outbound = outbound;
        Connector = connector;
        Identity = identity;
        _folder = folder;
        _factory = factory;
        Client = new HttpClient { BaseAddress = factory.ClientOptions.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public FakeBotConnector Connector { get; }

    /// <summary>Every URL the host's Connector client called, wherever it pointed (the fake or not).</summary>
    public CallRecorder<Uri> Outbound { get; }

    public FakeBotIdentity Identity { get; }

    public HttpClient Client { get; }

    public IServiceProvider Services => _factory.Services;

    /// <summary>
    /// Starts a host over a fresh database; <paramref name="emulator"/> leaves the app id unset. With
    /// <paramref name="slack"/>, Slack is connected too (through that fake), for what crosses both platforms.
    /// </summary>
    public static async Task<TeamsHost> StartAsync(TimeProvider? time = null, bool emulator = false, string? tenantId = null, Slack.FakeSlackApi? slack = null)
    {
        var connector = await FakeBotConnector.StartAsync(requireToken: !emulator);
        var identity = await FakeBotIdentity.StartAsync(AppId, AppPassword);
        var folder = Directory.CreateTempSubdirectory("chatflows-teams-").FullName;
        var outbound = new CallRecorder<Uri>(url => url.ToString());
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder
                .UseSetting("urls", "http://127.0.0.1:0")
                .UseSetting("ChatFlows:Storage:ConnectionString", $"Data Source={Path.Combine(folder, "chatflows.db")}")
                .UseSetting("ChatFlows:Storage:KeysDirectory", Path.Combine(folder, "keys"))
                .UseSetting("ChatFlows:Samples:Seed", "false")
                .UseSetting("ChatFlows:Runs:PollInterval", "00:00:00.050")
                .UseSetting("ChatFlows:Chat:UpdateInterval", "00:00:00.200")
                .UseSetting("ChatFlows:Teams:AppId", emulator ? "" : AppId)
                .UseSetting("ChatFlows:Teams:AppPassword", emulator ? "" : AppPassword)
                .UseSetting("ChatFlows:Teams:Emulator", emulator ? "true" : "false")
                .UseSetting("ChatFlows:Teams:TenantId", tenantId ?? "")
                .UseSetting("ChatFlows:Teams:OpenIdMetadataUrl", identity.MetadataUrl)
                .UseSetting("ChatFlows:Teams:AuthorityHost", identity.AuthorityHost);
            if (slack is not null)
            {
                builder
                    .UseSetting("ChatFlows:Slack:SigningSecret", Slack.SlackHost.SigningSecret)
                    .UseSetting("ChatFlows:Slack:BotToken", Slack.FakeSlackApi.DefaultBotToken)
                    .UseSetting("ChatFlows:Slack:ApiBaseUrl", slack.ApiBaseUrl);
            }
            builder.ConfigureTestServices(services =>
            {
                if (time is not null) services.AddSingleton(time);
                // The token endpoint's self-signed certificate is trusted by the token client only.
                var thumbprint = identity.Certificate.Thumbprint;
                services.AddHttpClient(TeamsMsalHttpClientFactory.ClientName).ConfigurePrimaryHttpMessageHandler(() => new HttpClientHandler
                {
                    ServerCertificateCustomValidationCallback = (_, certificate, _, _) => certificate?.Thumbprint == thumbprint,
                });
                services.AddSingleton<IStartupFilter, RemoteAddressOverride>();
                services.AddHttpClient<TeamsConnector>().AddHttpMessageHandler(() => new OutboundRecorder(outbound));
            });
        });
        factory.UseKestrel(0);
        factory.StartServer();
        return new TeamsHost(connector, identity, folder, factory, outbound);
    }

    /// <summary>Posts an activity to <c>/api/messages</c> with <paramref name="token"/> (a valid one unless given; none when empty).</summary>
    public async Task<HttpResponseMessage> PostActivityAsync(object activity, string? token = null, string? remoteAddress = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages")
        {
            Content = new StringContent(JsonSerializer.Serialize(activity), Encoding.UTF8, "application/json"),
        };
        token ??= Identity.CreateToken(Connector.ServiceUrl);
        if (token.Length > 0) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (remoteAddress is not null) request.Headers.Add(RemoteAddressOverride.Header, remoteAddress);
        var response = await Client.SendAsync(request);
        await RecordInvokeResponseAsync(activity, response);
        return response;
    }

    // The answer to an invoke is what Teams shows (README §Connect Microsoft Teams); the conformance check reads it.
    private static async Task RecordInvokeResponseAsync(object activity, HttpResponseMessage response)
    {
        if (!ConformanceRecorder.Enabled || !response.IsSuccessStatusCode) return;
        var sent = JsonSerializer.SerializeToElement(activity);
        if (sent.ValueKind != JsonValueKind.Object || !sent.TryGetProperty("type", out var type) || type.GetString() != "invoke") return;
        var text = await response.Content.ReadAsStringAsync();
        if (text.Length == 0) return;
        var name = sent.TryGetProperty("name", out var invoke) ? invoke.GetString() ?? "invoke" : "invoke";
        ConformanceRecorder.Record("teams-invoke-response", name, "POST /api/messages", JsonElement.Parse(text));
    }

    /// <summary>A message in <paramref name="conversation"/>, optionally @mentioning the bot before <paramref name="text"/>.</summary>
    public object Message(string text, TeamsUser from, Conversation conversation, bool mention = true, object? value = null, string? replyToId = null)
    {
        var id = NextActivityId();
        var conversationId = conversation.Kind == "channel" ? $"{conversation.Id};messageid={id}" : conversation.Id;
        return new Dictionary<string, object?>
        {
            ["type"] = "message",
            ["id"] = id,
            ["timestamp"] = DateTimeOffset.UtcNow,
            ["serviceUrl"] = Connector.ServiceUrl,
            ["channelId"] = "msteams",
            ["from"] = new { id = from.Id, name = from.Name, aadObjectId = from.AadObjectId },
            ["recipient"] = new { id = BotId, name = "ChatFlows" },
            ["conversation"] = ConversationJson(conversation, conversationId),
            ["text"] = mention ? $"<at>ChatFlows</at> {text}" : text,
            ["textFormat"] = "plain",
            ["entities"] = mention
                ? new object[] { new { type = "mention", text = "<at>ChatFlows</at>", mentioned = new { id = BotId, name = "ChatFlows" } } }
                : [],
            ["channelData"] = ChannelData(conversation),
            ["value"] = value,
            ["replyToId"] = replyToId,
        };
    }

    /// <summary>An <c>adaptiveCard/action</c> invoke: a click on an <c>Action.Execute</c> button with its data and inputs.</summary>
    public object Invoke(string verb, object data, TeamsUser from, Conversation conversation, string replyToId) => new Dictionary<string, object?>
    {
        ["type"] = "invoke",
        ["name"] = "adaptiveCard/action",
        ["id"] = NextActivityId(),
        ["serviceUrl"] = Connector.ServiceUrl,
        ["channelId"] = "msteams",
        ["from"] = new { id = from.Id, name = from.Name, aadObjectId = from.AadObjectId },
        ["recipient"] = new { id = BotId, name = "ChatFlows" },
        ["conversation"] = ConversationJson(conversation, conversation.Id),
        ["replyToId"] = replyToId,
        ["channelData"] = ChannelData(conversation),
        ["value"] = new { action = new { type = "Action.Execute", verb, data }, trigger = "manual" },
    };

    /// <summary>A <c>conversationUpdate</c>: the bot (or <paramref name="member"/>) added to or removed from the conversation.</summary>
    public object ConversationUpdate(Conversation conversation, bool added = true, string? member = null)
    {
        var members = new[] { new { id = member ?? BotId } };
        return new Dictionary<string, object?>
        {
            ["type"] = "conversationUpdate",
            ["id"] = NextActivityId(),
            ["serviceUrl"] = Connector.ServiceUrl,
            ["channelId"] = "msteams",
            ["from"] = new { id = "29:installer", aadObjectId = TeamsUser.Installer.AadObjectId },
            ["recipient"] = new { id = BotId, name = "ChatFlows" },
            ["conversation"] = ConversationJson(conversation, conversation.Id),
            ["channelData"] = ChannelData(conversation, conversation.Kind == "channel" ? (added ? "teamMemberAdded" : "teamMemberRemoved") : null),
            [added ? "membersAdded" : "membersRemoved"] = members,
        };
    }

    public async Task CreateWorkflowAsync(string json)
    {
        using var response = await Client.PostAsync("/api/workflows", HostFixture.Json(json));
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    public async Task<JsonElement> RunAsync(string runId) => JsonElement.Parse(await Client.GetStringAsync($"/api/runs/{runId}"));

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _factory.DisposeAsync();
        await Connector.DisposeAsync();
        await Identity.DisposeAsync();
        SqliteConnection.ClearAllPools();
        TestFolder.Delete(_folder);
    }

    private sealed class OutboundRecorder(CallRecorder<Uri> outbound) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            outbound.Add(_ => request.RequestUri!);
            return base.SendAsync(request, cancellationToken);
        }
    }

    private string NextActivityId() => $"1699{Interlocked.Increment(ref _nextActivity):D9}";

    private static object ConversationJson(Conversation conversation, string id) =>
        new { id, conversationType = conversation.Kind, tenantId = Conversation.TenantId, isGroup = conversation.Kind != "personal" };

    private static object ChannelData(Conversation conversation, string? eventType = null) => conversation.Kind == "channel"
        ? new { eventType, tenant = new { id = Conversation.TenantId }, team = new { id = conversation.Id, name = "Platform" }, channel = new { id = conversation.Id, name = "General" } }
        : new { eventType, tenant = new { id = Conversation.TenantId } };
}

/// <summary>A Teams conversation of the tests: its id and kind (<c>personal</c>, <c>groupChat</c>, <c>channel</c>).</summary>
internal sealed record Conversation(string Id, string Kind)
{
    public const string TenantId = "72f988bf-86f1-41af-91ab-2d7cd011db47";

    public static Conversation Channel { get; } = new("19:deploys0123456789@thread.tacv2", "channel");

    public static Conversation Personal { get; } = new("a:1personalchat0123456789", "personal");

    public static Conversation GroupChat { get; } = new("19:group0123456789@thread.v2", "groupChat");
}

/// <summary>A person in Teams: their channel account id, name and Entra object id.</summary>
internal sealed record TeamsUser(string Id, string Name, string AadObjectId)
{
    public static TeamsUser Approver { get; } = new("29:approver", "Ada Approver", "6f1c2a9e-1111-4c4c-9d9d-0123456789ab");

    public static TeamsUser Developer { get; } = new("29:developer", "Dev Eloper", "0b7d4c21-2222-4e4e-8f8f-abcdefabcdef");

    public static TeamsUser Installer { get; } = new("29:installer", "Ina Staller", "3c3c3c3c-3333-4333-8333-333333333333");
}
