using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ChatFlows.Bot.Tests;

/// <summary>
/// The real host on Kestrel at a free loopback port whose clock is a fake, with a SQLite file and keys folder of its
/// own: for schedules and other time-driven behaviour, advanced with <see cref="Time"/> instead of waited for.
/// </summary>
internal sealed class ClockedHost : IAsyncDisposable
{
    private readonly string _folder;
    private readonly bool _keepFolder;
    private readonly WebApplicationFactory<Program> _factory;

    /// <param name="now">Where the fake clock starts.</param>
    /// <param name="settings">Configuration keys.</param>
    /// <param name="services">Test services registered after the host's own.</param>
    /// <param name="folder">A folder to keep the database and keys in across hosts (a restart); the caller deletes it.</param>
    public ClockedHost(DateTimeOffset now, IReadOnlyDictionary<string, string> settings, Action<IServiceCollection>? services = null, string? folder = null)
    {
        _keepFolder = folder is not null;
        _folder = folder ?? Directory.CreateTempSubdirectory("chatflows-clocked-").FullName;
        Time = new FakeTimeProvider(now);
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder
                .UseSetting("urls", "http://127.0.0.1:0")
                .UseSetting("ChatFlows:Storage:ConnectionString", $"Data Source={DatabasePath}")
                .UseSetting("ChatFlows:Storage:KeysDirectory", Path.Combine(_folder, "keys"))
                .ConfigureTestServices(registered =>
                {
                    registered.AddSingleton<TimeProvider>(Time);
                    services?.Invoke(registered);
                });
            foreach (var (key, value) in settings) builder.UseSetting(key, value);
        });
        _factory.UseKestrel(0);
        _factory.StartServer();
        Client = new HttpClient { BaseAddress = _factory.ClientOptions.BaseAddress };
    }

    public FakeTimeProvider Time { get; }

    public HttpClient Client { get; }

    public IServiceProvider Services => _factory.Services;

    /// <summary>The host's SQLite file, for tests that check what is stored.</summary>
    public string DatabasePath => Path.Combine(_folder, "chatflows.db");

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _factory.DisposeAsync();
        SqliteConnection.ClearAllPools();
        if (!_keepFolder) TestFolder.Delete(_folder);
    }
}
