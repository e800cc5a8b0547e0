using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ChatFlows.Bot.Tests.Access;

/// <summary>
/// The real host on Kestrel with an optional API key, where a request carrying <see cref="RemoteAddressOverride.Header"/> is seen as
/// coming from that address.
/// </summary>
public sealed class AccessHost : IAsyncDisposable
{
    private readonly string _folder;
    private readonly bool _ownsFolder;
    private readonly WebApplicationFactory<Program> _factory;

    /// <summary>
    /// Starts the host. <paramref name="settings"/> are set on top; <paramref name="logs"/> receives its log; with
    /// <paramref name="folder"/> the database and keys live there and stay after disposal (for a restart).
    /// </summary>
    public AccessHost(string? apiKey, IReadOnlyDictionary<string, string>? settings = null, ILoggerProvider? logs = null, string? folder = null)
    {
        _ownsFolder = folder is null;
        _folder = folder ?? Directory.CreateTempSubdirectory("chatflows-access-").FullName;
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            if (logs is not null) builder.ConfigureLogging(logging => logging.AddProvider(logs));
            foreach (var (key, value) in settings ?? new Dictionary<string, string>()) builder.UseSetting(key, value);
            builder
                .UseSetting("urls", "http://127.0.0.1:0")
                .UseSetting("ChatFlows:Storage:ConnectionString", $"Data Source={Path.Combine(_folder, "chatflows.db")}")
                .UseSetting("ChatFlows:Storage:KeysDirectory", Path.Combine(_folder, "keys"))
                .UseSetting("ChatFlows:Samples:Seed", "false")
                .ConfigureTestServices(services => services.AddSingleton<IStartupFilter, RemoteAddressOverride>());
            if (apiKey is not null) builder.UseSetting("ChatFlows:Access:ApiKey", apiKey);
        });
        _factory.UseKestrel(0);
        _factory.StartServer();
        BaseAddress = _factory.ClientOptions.BaseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>The host's services, for what only the host can read (its secrets).</summary>
    public IServiceProvider Services => _factory.Services;

    /// <summary>A client on the host's address; with <paramref name="remote"/>, every request claims to come from it.</summary>
    public HttpClient Client(string? remote = RemoteAddressOverride.OtherMachine, bool followRedirects = false)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = followRedirects, UseCookies = false }) { BaseAddress = BaseAddress };
        if (remote is not null) client.DefaultRequestHeaders.Add(RemoteAddressOverride.Header, remote);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        SqliteConnection.ClearAllPools();
        if (_ownsFolder) TestFolder.Delete(_folder);
    }

}
