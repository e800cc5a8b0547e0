using System.Globalization;
using System.Net;
using System.Text.Json;
using ChatFlows.Bot.Tests.Slack;
using ChatFlows.Core.Tests.Fixtures;

namespace ChatFlows.Bot.Tests.Cluster;

/// <summary>
/// Several real <c>chatflows</c> processes on ONE PostgreSQL database (README §Running several instances), as a
/// load balancer would see them: each with its own folder, port and <c>ChatFlows:Runs:InstanceId</c>, a short lease,
/// the same fake Slack (which records every message and its metadata) and the same <see cref="WitnessServer"/>,
/// reached through a <c>witness</c> connection whose header names the instance.
/// </summary>
internal sealed class TestCluster : IAsyncDisposable
{
    /// <summary>How long a claim holds without renewal in the cluster.</summary>
    public static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(3);

    private static readonly TimeSpan StartPatience = TimeSpan.FromSeconds(90);

    private TestCluster(string connectionString, FakeSlackApi slack, WitnessServer witness, IReadOnlyList<ClusterMember> instances)
    {
        ConnectionString = connectionString;
        Slack = slack;
        Witness = witness;
        Instances = instances;
    }

    /// <summary>The shared database.</summary>
    public string ConnectionString { get; }

    public FakeSlackApi Slack { get; }

    public WitnessServer Witness { get; }

    /// <summary>The instances, A, B, C… in order.</summary>
    public IReadOnlyList<ClusterMember> Instances { get; }

    /// <summary>The instances that are neither killed nor stopped.</summary>
    public IReadOnlyList<ClusterMember> Live => Instances.Where(i => i.IsAlive && !i.IsStopped).ToArray();

    public ClusterMember this[string name] => Instances.Single(i => i.Name == name);

    /// <summary>
    /// Starts <paramref name="count"/> instances at once on a new empty database (they migrate it together) and waits
    /// until each is ready; <paramref name="overrides"/> replace settings of every instance.
    /// </summary>
    public static async Task<TestCluster> StartAsync(int count, IReadOnlyDictionary<string, string>? overrides = null)
    {
        var connectionString = await TestDatabases.CreatePostgresAsync();
        var slack = await FakeSlackApi.StartAsync();
        var witness = await WitnessServer.StartAsync();
        var instances = new List<ClusterMember>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var name = ((char)('A' + i)).ToString();
                var settings = Settings(name, connectionString, slack, witness);
                foreach (var (key, value) in overrides ?? new Dictionary<string, string>()) settings[key] = value;
                instances.Add(ClusterMember.Start(name, settings));
            }
            await Task.WhenAll(instances.Select(i => i.WaitReadyAsync(StartPatience)));
            return new TestCluster(connectionString, slack, witness, instances);
        }
        catch
        {
            foreach (var instance in instances) instance.Dispose();
            await witness.DisposeAsync();
            await slack.DisposeAsync();
            throw;
        }
    }

    /// <summary>What every instance printed, for failure messages.</summary>
    public string Output => string.Join("\n", Instances.Select(i => $"--- instance {i.Name} ---\n{Tail(i.Output)}"));

    /// <summary>Saves a workflow through <paramref name="through"/>.</summary>
    public static async Task CreateWorkflowAsync(ClusterMember through, string json)
    {
        using var response = await through.Client.PostAsync("api/workflows", HostFixture.Json(json));
        Assert.True(response.IsSuccessStatusCode, $"Saving a workflow on {through.Name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}\n{through.Name} printed:\n{Tail(through.Output)}");
    }

    /// <summary>Starts a run with the runs API of <paramref name="through"/>; its id.</summary>
    public static async Task<string> StartRunAsync(ClusterMember through, string workflowId, string payload = "{}")
    {
        using var response = await through.Client.PostAsync($"api/workflows/{workflowId}/runs", HostFixture.Json(payload));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"Starting {workflowId} on {through.Name}: {(int)response.StatusCode} {body}\n{through.Name} printed:\n{Tail(through.Output)}");
        return JsonElement.Parse(body).GetProperty("runId").GetString()!;
    }

    /// <summary>Approves the waiting approval <paramref name="nodeId"/> of a run with the runs API of <paramref name="through"/>.</summary>
    public static async Task<HttpStatusCode> ApproveAsync(ClusterMember through, string runId, string nodeId)
    {
        using var response = await through.Client.PostAsync($"api/runs/{runId}/decisions", HostFixture.Json($$"""{"decision": "approve", "nodeId": "{{nodeId}}"}"""));
        return response.StatusCode;
    }

    /// <summary>Every run of a workflow (all pages), as the runs API of <paramref name="through"/> lists them.</summary>
    public static async Task<IReadOnlyList<JsonElement>> ListRunsAsync(ClusterMember through, string workflowId, string? status = null)
    {
        var runs = new List<JsonElement>();
        string? before = null;
        do
        {
            var query = $"api/runs?workflow={workflowId}&limit=500" + (status is null ? "" : $"&status={status}") + (before is null ? "" : $"&before={Uri.EscapeDataString(before)}");
            var page = JsonElement.Parse(await through.Client.GetStringAsync(query));
            runs.AddRange(page.GetProperty("items").EnumerateArray());
            before = page.TryGetProperty("next", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        }
        while (before is not null);
        return runs;
    }

    /// <summary>A run with every node, as the runs API of <paramref name="through"/> shows it.</summary>
    public static async Task<JsonElement> GetRunAsync(ClusterMember through, string runId) =>
        JsonElement.Parse(await through.Client.GetStringAsync($"api/runs/{runId}"));

    /// <summary>Reads a run's server-sent events from <paramref name="through"/> until the server ends the stream.</summary>
    public static async Task<IReadOnlyList<ServerSentEvent>> ReadEventsAsync(ClusterMember through, string runId, TimeSpan patience)
    {
        using var timeout = new CancellationTokenSource(patience);
        using var response = await through.Client.GetAsync($"api/runs/{runId}/events", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token);
        using var reader = new StreamReader(stream);
        var events = new List<ServerSentEvent>();
        string? type = null;
        try
        {
            while (await reader.ReadLineAsync(timeout.Token) is { } line)
            {
                if (line.StartsWith("event: ", StringComparison.Ordinal)) type = line["event: ".Length..];
                else if (line.StartsWith("data: ", StringComparison.Ordinal)) events.Add(new ServerSentEvent(type!, JsonElement.Parse(line["data: ".Length..])));
            }
        }
        catch (OperationCanceledException)
        {
            // The stream did not end in time: what arrived is returned, and the caller's assertions say what is missing.
        }
        return events;
    }

    /// <summary>A <c>/run</c> slash command sent to <paramref name="through"/>, signed as Slack signs it.</summary>
    public Task<HttpResponseMessage> SlashCommandAsync(ClusterMember through, string text, string user, string channel, string responseId) =>
        PostSignedAsync(through, "slack/commands", SlackRequests.SlashCommand(text, user, channel, Slack.ResponseUrl(responseId)));

    /// <summary>A click on a Block Kit button, sent to <paramref name="through"/> as Slack sends it.</summary>
    public Task<HttpResponseMessage> ClickAsync(ClusterMember through, string user, string channel, string messageTs, string actionId, string value, string responseId) =>
        PostSignedAsync(through, "slack/interactions", SlackRequests.Click(user, channel, messageTs, actionId, value, Slack.ResponseUrl(responseId)));

    public async ValueTask DisposeAsync()
    {
        if (Environment.GetEnvironmentVariable("CHATFLOWS_CLUSTER_LOGS") is { Length: > 0 } logs)
        {
            foreach (var instance in Instances) File.WriteAllText(Path.Combine(logs, $"{instance.Name}.log"), instance.Output);
        }
        foreach (var instance in Instances) instance.Dispose();
        await Witness.DisposeAsync();
        await Slack.DisposeAsync();
    }

    // Each instance: the shared database and fakes, its own name, a short lease so that a lost instance is noticed
    // within seconds, quiet logs (thousands of runs), no samples.
    private static Dictionary<string, string> Settings(string name, string connectionString, FakeSlackApi slack, WitnessServer witness) => new()
    {
        ["ChatFlows:Storage:Provider"] = "postgres",
        ["ChatFlows:Storage:ConnectionString"] = connectionString,
        ["ChatFlows:Runs:InstanceId"] = $"cluster-{name}",
        ["ChatFlows:Runs:LeaseDuration"] = LeaseDuration.ToString("c", CultureInfo.InvariantCulture),
        ["ChatFlows:Runs:PollInterval"] = "00:00:00.250",
        // A card the killed instance was posting is taken over within the test's patience.
        ["ChatFlows:Chat:CardTakeoverAfter"] = "00:00:15",
        ["ChatFlows:Samples:Seed"] = "false",
        ["ChatFlows:Slack:SigningSecret"] = SlackHost.SigningSecret,
        ["ChatFlows:Slack:BotToken"] = FakeSlackApi.DefaultBotToken,
        ["ChatFlows:Slack:ApiBaseUrl"] = slack.ApiBaseUrl,
        ["ChatFlows:Chat:UpdateInterval"] = "00:00:00.200",
        ["ChatFlows:Http:AllowedHosts:0"] = "127.0.0.1",
        ["ChatFlows:Connections:witness:Type"] = "http",
        ["ChatFlows:Connections:witness:Workflows"] = "*",
        ["ChatFlows:Connections:witness:BaseUrl"] = witness.BaseUrl,
        [$"ChatFlows:Connections:witness:Headers:{WitnessServer.InstanceHeader}"] = WitnessServer.InstancePrefix + name,
        ["Logging:LogLevel:Default"] = "Warning",
        ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Warning",
    };

    private static async Task<HttpResponseMessage> PostSignedAsync(ClusterMember through, string path, string body)
    {
        using var request = SlackRequests.Signed(path, body);
        return await through.Client.SendAsync(request);
    }

    private static string Tail(string text) => text.Length <= 6000 ? text : "…" + text[^6000..];
}
