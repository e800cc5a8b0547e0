using System.Globalization;
using ChatFlows.Core.Tests.Agents;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;

namespace ChatFlows.Bot.Tests.Agents;

/// <summary>
/// The real host on Kestrel with one priced model profile, <c>fake</c> (2.5 per million prompt tokens, 10 per million
/// completion tokens), served by a local <see cref="FakeModelServer"/>; no samples are seeded.
/// </summary>
internal sealed class ModelHost : IAsyncDisposable
{
    private readonly string _folder;
    private readonly WebApplicationFactory<Program> _factory;

    private ModelHost(string folder, FakeModelServer model, WebApplicationFactory<Program> factory)
    {
        _folder = folder;
        Model = model;
        _factory = factory;
        BaseAddress = factory.ClientOptions.BaseAddress;
        Client = new HttpClient { BaseAddress = BaseAddress };
    }

    /// <summary>The model server; set its <c>Reply</c> to script the model's answers.</summary>
    public FakeModelServer Model { get; }

    /// <summary>A plain client on the host's address.</summary>
    public HttpClient Client { get; }

    /// <summary>The host's SQLite file.</summary>
    public string DatabasePath => Path.Combine(_folder, "chatflows.db");

    /// <summary>The host's services, for a test that drives a part directly (an agent node executed again).</summary>
    public IServiceProvider Services => _factory.Services;

    /// <summary>Where Kestrel listens, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; }

    public static async Task<ModelHost> StartAsync(IReadOnlyDictionary<string, string>? settings = null)
    {
        var folder = Directory.CreateTempSubdirectory("chatflows-model-").FullName;
        var model = await FakeModelServer.StartAsync();
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder => builder
            // A free port: without an address of its own the host takes its default, localhost:5080.
            .UseSetting("urls", "http://127.0.0.1:0")
            .UseSetting("ChatFlows:Storage:ConnectionString", $"Data Source={Path.Combine(folder, "chatflows.db")}")
            .UseSetting("ChatFlows:Runs:PollInterval", "00:00:00.050")
            .UseSetting("ChatFlows:Samples:Seed", "false")
            .UseSetting("ChatFlows:Models:fake:Provider", "openai-compatible")
            .UseSetting("ChatFlows:Models:fake:Model", "fake-model")
            .UseSetting("ChatFlows:Models:fake:Endpoint", model.Endpoint)
            .UseSetting("ChatFlows:Models:fake:InputPricePerMillionTokens", 2.5m.ToString(CultureInfo.InvariantCulture))
            .UseSetting("ChatFlows:Models:fake:OutputPricePerMillionTokens", "10")
            .UseSettings(settings ?? new Dictionary<string, string>()));
        factory.UseKestrel(0);
        factory.StartServer();
        return new ModelHost(folder, model, factory);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _factory.DisposeAsync();
        await Model.DisposeAsync();
        SqliteConnection.ClearAllPools();
        TestFolder.Delete(_folder);
    }
}
