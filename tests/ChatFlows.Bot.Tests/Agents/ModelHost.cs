using System.Globalization;
using System.Text.Json;
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
    private readonly IReadOnlyDictionary<string, string>? _settings;
    private bool _handedOver;

    private ModelHost(string folder, FakeModelServer model, WebApplicationFactory<Program> factory, IReadOnlyDictionary<string, string>? settings)
    {
        _folder = folder;
        _settings = settings;
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

    public static async Task<ModelHost> StartAsync(IReadOnlyDictionary<string, string>? settings = null) =>
        Start(Directory.CreateTempSubdirectory("chatflows-model-").FullName, await FakeModelServer.StartAsync(), settings);

    /// <summary>
    /// Stops this host and starts a new one on the same SQLite file and model server, as a restart would; dispose the
    /// new one only.
    /// </summary>
    public async Task<ModelHost> RestartAsync()
    {
        _handedOver = true;
        Client.Dispose();
        await _factory.DisposeAsync();
        SqliteConnection.ClearAllPools();
        return Start(_folder, Model, _settings);
    }

    /// <summary>POSTs JSON and returns the JSON answer, failing with the body when it is not a success.</summary>
    public async Task<JsonElement> PostAsync(string path, string json)
    {
        using var response = await Client.PostAsync(path, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {body}");
        return body.Length == 0 ? default : JsonElement.Parse(body);
    }

    /// <summary>The run once its status is <paramref name="status"/>, or once it has finished when null.</summary>
    public async Task<JsonElement> WaitForRunAsync(string runId, string? status = null)
    {
        var until = DateTimeOffset.UtcNow.AddSeconds(30);
        while (true)
        {
            var run = JsonElement.Parse(await Client.GetStringAsync($"/api/runs/{runId}"));
            var now = run.GetProperty("status").GetString();
            if (status is null ? now is not ("queued" or "running" or "waiting") : now == status) return run;
            Assert.True(DateTimeOffset.UtcNow < until, $"Run {runId} is still {now}: {run}");
            await Task.Delay(50);
        }
    }

    private static ModelHost Start(string folder, FakeModelServer model, IReadOnlyDictionary<string, string>? settings)
    {
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
        return new ModelHost(folder, model, factory, settings);
    }

    public async ValueTask DisposeAsync()
    {
        if (_handedOver) return;
        Client.Dispose();
        await _factory.DisposeAsync();
        await Model.DisposeAsync();
        SqliteConnection.ClearAllPools();
        TestFolder.Delete(_folder);
    }
}
