using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;

namespace ChatFlows.Bot.Tests.SignIn;

/// <summary>
/// The real host on Kestrel with sign-in through <see cref="TestIdentityProvider"/> (over plain http on loopback, as
/// <c>ChatFlows:Auth:RequireHttpsMetadata</c> false allows there) and an API key whose identity is
/// <see cref="ApiKeyUser"/>.
/// </summary>
public sealed class SignInHost : IAsyncDisposable
{
    public const string ApiKey = "sign-in-tests-api-key-0123456789";
    public const string ApiKeyUser = "email:ci-bot@corp.example";

    private readonly string _folder = Directory.CreateTempSubdirectory("chatflows-signin-").FullName;
    private readonly WebApplicationFactory<Program> _factory;

    public SignInHost(TestIdentityProvider provider)
    {
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder => builder
            .UseSetting("urls", "http://127.0.0.1:0")
            .UseSetting("ChatFlows:Storage:ConnectionString", $"Data Source={Path.Combine(_folder, "chatflows.db")}")
            .UseSetting("ChatFlows:Storage:KeysDirectory", Path.Combine(_folder, "keys"))
            .UseSetting("ChatFlows:Samples:Seed", "false")
            .UseSetting("ChatFlows:Runs:PollInterval", "00:00:00.050")
            .UseSetting("ChatFlows:Access:ApiKey", ApiKey)
            .UseSetting("ChatFlows:Auth:Authority", provider.Authority.ToString())
            .UseSetting("ChatFlows:Auth:ClientId", TestIdentityProvider.ClientId)
            .UseSetting("ChatFlows:Auth:ClientSecret", TestIdentityProvider.ClientSecret)
            .UseSetting("ChatFlows:Auth:RequireHttpsMetadata", "false")
            .UseSetting("ChatFlows:Auth:ApiKeyUser", ApiKeyUser));
        _factory.UseKestrel(0);
        _factory.StartServer();
        BaseAddress = _factory.ClientOptions.BaseAddress;
        Client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri BaseAddress { get; }

    /// <summary>The host's services, to arrange what a test needs (workspaces, grants) the way an admin would.</summary>
    public IServiceProvider Services => _factory.Services;

    /// <summary>A loopback client with no credentials.</summary>
    public HttpClient Client { get; }

    /// <summary>A client that sends the API key.</summary>
    public HttpClient KeyClient()
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new("Bearer", ApiKey);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _factory.DisposeAsync();
        SqliteConnection.ClearAllPools();
        TestFolder.Delete(_folder);
    }
}
