using System.Diagnostics;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace ChatFlows.Bot.Tests.Mail;

/// <summary>Waits on what a host's mail watcher stored, by reading its SQLite file and its runs API.</summary>
internal static class MailHostRuns
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Waits until the watcher has read the folder of <paramref name="connection"/> once (its cursor is stored):
    /// mail delivered after this starts runs, mail already there does not.
    /// </summary>
    public static async Task WaitForCursorAsync(string databasePath, string connection, string folder = "INBOX", Func<string>? output = null)
    {
        var clock = Stopwatch.StartNew();
        while (await LastUidAsync(databasePath, connection, folder) is null)
        {
            Assert.True(clock.Elapsed < Patience, $"The host did not start watching {folder} of {connection} within {Patience.TotalSeconds:0} s.\n{output?.Invoke()}");
            await Task.Delay(50);
        }
    }

    /// <summary>The stored cursor's last UID, or null when the folder was never read.</summary>
    public static async Task<long?> LastUidAsync(string databasePath, string connection, string folder = "INBOX")
    {
        await using var db = new SqliteConnection($"Data Source={databasePath};Pooling=false");
        await db.OpenAsync();
        await using var exists = db.CreateCommand();
        exists.CommandText = "select count(*) from sqlite_master where name = 'mail_cursors'";
        if ((long)(await exists.ExecuteScalarAsync())! == 0) return null;
        await using var command = db.CreateCommand();
        command.CommandText = "select last_uid from mail_cursors where connection = $connection and folder = $folder";
        command.Parameters.AddWithValue("$connection", connection);
        command.Parameters.AddWithValue("$folder", folder);
        return await command.ExecuteScalarAsync() is long uid ? uid : null;
    }

    /// <summary>Polls <c>GET /api/runs?workflow=…</c> until it lists <paramref name="count"/> runs, and returns them, oldest first.</summary>
    public static async Task<JsonElement[]> WaitForRunsAsync(HttpClient client, string workflowId, int count, Func<string>? output = null)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            using var response = await client.GetAsync($"/api/runs?workflow={workflowId}&limit=100");
            var runs = (await HostFixture.ReadJsonAsync(response)).GetProperty("items").EnumerateArray().Reverse().ToArray();
            if (runs.Length >= count) return runs;
            Assert.True(clock.Elapsed < Patience, $"Workflow {workflowId} has {runs.Length} run(s) after {Patience.TotalSeconds:0} s, not {count}.\n{output?.Invoke()}");
            await Task.Delay(50);
        }
    }

    /// <summary>The trigger payloads of a workflow's runs, oldest first.</summary>
    public static async Task<JsonElement[]> TriggersAsync(HttpClient client, JsonElement[] runs)
    {
        var triggers = new List<JsonElement>();
        foreach (var run in runs)
        {
            using var response = await client.GetAsync($"/api/runs/{run.GetProperty("id").GetString()}");
            triggers.Add((await HostFixture.ReadJsonAsync(response)).GetProperty("trigger"));
        }
        return triggers.ToArray();
    }
}
