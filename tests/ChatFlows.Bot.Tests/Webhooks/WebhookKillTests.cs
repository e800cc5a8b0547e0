using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ChatFlows.Bot.Tests.Cluster;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Running;
using ChatFlows.Core.Storage;
using Microsoft.Data.Sqlite;

namespace ChatFlows.Bot.Tests.Webhooks;

/// <summary>
/// The host killed (SIGKILL) under webhook load on a workflow of pure nodes (README §Webhooks, what a synchronous answer
/// guarantees if the process dies): every request answered 200 has its run stored, whole and succeeded, with its audit
/// entry; nothing is left half-written (no queued or running run to continue, no audit entry without its run).
/// </summary>
public sealed class WebhookKillTests : IDisposable
{
    private const string Secret = "kill-secret";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(40);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "chatflows-tests", Guid.NewGuid().ToString("N"));
    private readonly SqliteDatabase _database;

    public WebhookKillTests()
    {
        Directory.CreateDirectory(_folder);
        _database = new SqliteDatabase($"Data Source={Path.Combine(_folder, "chatflows.db")}");
        _database.Migrate();
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        TestFolder.Delete(_folder);
    }

    [Fact]
    public async Task PureWebhookRuns_HostKilledUnderLoad_EveryAnsweredRunIsStoredWholeAndNoneHalfWritten()
    {
        await new SqliteWorkflowStore(_database, TimeProvider.System).CreateAsync(WorkflowJson.Parse(TestWorkflows.RespondingHook("orders", Secret, status: 200)));
        using var host = ClusterMember.Start("hooks", new Dictionary<string, string>
        {
            ["ChatFlows:Storage:ConnectionString"] = _database.ConnectionString,
            ["ChatFlows:Samples:Seed"] = "false",
        });
        await host.WaitReadyAsync(Patience);

        // Eight callers post orders until the host dies under them.
        var answered = new ConcurrentBag<string>();
        var sent = 0;
        using var stop = new CancellationTokenSource();
        var callers = Enumerable.Range(0, 8).Select(caller => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var orderId = $"order-{Interlocked.Increment(ref sent)}";
                try
                {
                    using var response = await PostAsync(host.Client, orderId);
                    if (response.StatusCode == HttpStatusCode.OK) answered.Add(orderId);
                    else Assert.Fail($"{orderId} was answered {(int)response.StatusCode} before the kill: {await response.Content.ReadAsStringAsync()}");
                }
                catch (HttpRequestException)
                {
                    return; // the host is gone
                }
            }
        })).ToArray();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (answered.Count < 200 && clock.Elapsed < Patience) await Task.Delay(20);
        Assert.True(answered.Count >= 200, $"Only {answered.Count} requests were answered in {Patience.TotalSeconds:0} s.\n{host.Output}");
        await host.KillAsync();
        await stop.CancelAsync();
        await Task.WhenAll(callers);

        await using var runs = new SqliteRunStore(_database, TimeProvider.System);
        var stored = new List<StoredRun>();
        for (string? before = null; ;)
        {
            var page = await runs.ListAsync(new RunQuery(WorkflowId: "orders", Before: before, Limit: 500));
            stored.AddRange(page.Items);
            if ((before = page.Next) is null) break;
        }
        var byOrder = new Dictionary<string, StoredRun>(StringComparer.Ordinal);
        foreach (var summary in stored)
        {
            var run = (await runs.GetAsync(summary.Id))!;
            // Whole: ended, every node journaled as succeeded, the answer's data there.
            Assert.True(run.Status == RunStatus.Succeeded, $"Run {run.Id} was left {run.Status.ToText()} by the kill.");
            Assert.All(run.Nodes, node => Assert.Equal(NodeStatus.Succeeded, node.Status));
            byOrder[run.Trigger.GetProperty("orderId").GetString()!] = run;
        }
        var missing = answered.Where(orderId => !byOrder.ContainsKey(orderId)).ToArray();
        Assert.True(missing.Length == 0, $"{missing.Length} of {answered.Count} answered requests have no stored run: {string.Join(", ", missing.Take(5))}");

        // Each stored run has its audit entry, written in the same commit, and there is none for a run not stored.
        var audited = await AuditedRunsAsync();
        Assert.Equal(byOrder.Values.Select(r => r.Id).Order(StringComparer.Ordinal), audited.Order(StringComparer.Ordinal));
    }

    private async Task<List<string>> AuditedRunsAsync()
    {
        await using var connection = new SqliteConnection(_database.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "select target from audit_events where action = 'run.started'";
        var targets = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) targets.Add(reader.GetString(0));
        return targets;
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string orderId)
    {
        var body = JsonSerializer.Serialize(new { orderId, quantity = 12, packSize = 4 });
        var request = new HttpRequestMessage(HttpMethod.Post, "hooks/orders") { Content = HostFixture.Json(body) };
        request.Headers.Add("X-ChatFlows-Signature", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes(body))));
        return client.SendAsync(request);
    }
}
