using System.Diagnostics;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Storage;
using Microsoft.Data.Sqlite;

namespace ChatFlows.Bot.Tests.Mail;

/// <summary>
/// trigger/email across processes on one SQLite file: two instances watching one mailbox start one run per message,
/// and a host killed with SIGKILL and started again starts exactly one run for mail that arrived before, during and
/// after the kill.
/// </summary>
[Collection(MailCollection.Name)]
public sealed class EmailTriggerRestartTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(40);
    private readonly MailServers _servers;
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "chatflows-tests", Guid.NewGuid().ToString("N"));
    private readonly string _inbox = MailServers.NewAddress("shared");
    private readonly SqliteDatabase _database;
    private readonly Dictionary<string, string> _settings;

    public EmailTriggerRestartTests(MailServers servers)
    {
        _servers = servers;
        Directory.CreateDirectory(_folder);
        _database = new SqliteDatabase($"Data Source={Path.Combine(_folder, "chatflows.db")}");
        _database.Migrate();
        _settings = servers.ConnectionSettings("team-inbox", _inbox);
        _settings["ChatFlows:Storage:ConnectionString"] = _database.ConnectionString;
        _settings["ChatFlows:Runs:LeaseDuration"] = "00:00:02";
        _settings["ChatFlows:Runs:PollInterval"] = "00:00:00.200";
        _settings["ChatFlows:Samples:Seed"] = "false";
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        TestFolder.Delete(_folder);
    }

    [Fact]
    public async Task EmailTrigger_TwoInstancesWatchTheSameMailbox_StartOneRunPerMessage()
    {
        await SaveWorkflowAsync();
        using var first = HostProcess.Start(_folder, _settings);
        using var second = HostProcess.Start(_folder, _settings);
        await WaitForWatchingAsync(first);
        await WaitForWatchingAsync(second);

        foreach (var subject in new[] { "one", "two", "three" })
        {
            await _servers.DeliverAsync(MailServers.Message("sender@example.org", _inbox, subject, subject));
        }
        await WaitForRunsAsync(3, first, second);
        // A marker delivered after the three: once its run exists, both instances have long seen the three.
        await _servers.DeliverAsync(MailServers.Message("sender@example.org", _inbox, "marker", "last"));
        var subjects = await WaitForRunsAsync(4, first, second);

        // Postfix delivers the three independently, so their order in the mailbox may differ from the sending order.
        Assert.Equal(["marker", "one", "three", "two"], subjects.Order(StringComparer.Ordinal));
        Assert.DoesNotContain(MailServers.Password, first.Output + second.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmailTrigger_HostKilledAfterStartingARunAndRestarted_StartsExactlyOneRunPerMessage()
    {
        await SaveWorkflowAsync();
        var host = HostProcess.Start(_folder, _settings);
        string output;
        try
        {
            await WaitForWatchingAsync(host);
            await _servers.DeliverAsync(MailServers.Message("sender@example.org", _inbox, "before the kill", "1"));
            await WaitForRunsAsync(1, host);
            await host.KillAsync();
            output = host.Output;
        }
        finally
        {
            host.Dispose();
        }
        // As if the process died between claiming the run and moving the cursor past its message.
        await RewindCursorAsync();
        await _servers.DeliverAsync(MailServers.Message("sender@example.org", _inbox, "while it was down", "2"));

        using var restarted = HostProcess.Start(_folder, _settings);
        await WaitForRunsAsync(2, restarted);
        await _servers.DeliverAsync(MailServers.Message("sender@example.org", _inbox, "after the restart", "3"));
        var subjects = await WaitForRunsAsync(3, restarted);

        Assert.Equal(["before the kill", "while it was down", "after the restart"], subjects);
        Assert.DoesNotContain(MailServers.Password, output + restarted.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmailTrigger_ServerRefusesThePassword_LogsWhatToCheckWithoutThePassword()
    {
        const string WrongPassword = "Wrong-Pass-93c1d";
        await SaveWorkflowAsync();
        _settings["ChatFlows:Connections:team-inbox:Password"] = WrongPassword;
        using var host = HostProcess.Start(_folder, _settings);

        var clock = Stopwatch.StartNew();
        while (!host.Output.Contains("check its ImapHost, ImapPort, Security, UserName and Password", StringComparison.Ordinal))
        {
            Assert.True(clock.Elapsed < Patience, $"The host logged no failed login within {Patience.TotalSeconds:0} s:\n{host.Output}");
            await Task.Delay(50);
        }

        Assert.Contains($"Watching folder INBOX of mail connection team-inbox at 127.0.0.1:{_servers.ImapPort} failed (AuthenticationException", host.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(WrongPassword, host.Output, StringComparison.Ordinal);
        Assert.Null(await MailHostRuns.LastUidAsync(_database.FilePath, "team-inbox"));
    }

    private async Task SaveWorkflowAsync()
    {
        var document = WorkflowJson.Parse("""
            {"id": "shared-inbox", "nodes": [
              {"id": "mail", "type": "trigger", "config": {"kind": "email", "connection": "team-inbox"}},
              {"id": "shape", "type": "tool", "config": {"tool": "transform", "value": "{{ trigger.subject }}"}}],
             "edges": [{"from": "mail", "to": "shape"}]}
            """);
        await new SqliteWorkflowStore(_database, TimeProvider.System).CreateAsync(document);
    }

    // Watching, with the folder's cursor stored: mail delivered from now on starts runs.
    private async Task WaitForWatchingAsync(HostProcess host)
    {
        await MailHostRuns.WaitForCursorAsync(_database.FilePath, "team-inbox", output: () => host.Output);
        var clock = Stopwatch.StartNew();
        while (!host.Output.Contains("Watching folder INBOX of mail connection team-inbox", StringComparison.Ordinal))
        {
            Assert.True(clock.Elapsed < Patience, $"The host did not start watching within {Patience.TotalSeconds:0} s:\n{host.Output}");
            await Task.Delay(50);
        }
    }

    private async Task RewindCursorAsync()
    {
        await using var db = new SqliteConnection(_database.ConnectionString);
        await db.OpenAsync();
        await using var command = db.CreateCommand();
        command.CommandText = "update mail_cursors set last_uid = last_uid - 1 where connection = 'team-inbox'";
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    // The subjects of the workflow's runs, oldest first, once there are at least count of them.
    private async Task<string[]> WaitForRunsAsync(int count, params HostProcess[] hosts)
    {
        await using var store = new SqliteRunStore(_database, TimeProvider.System);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var runs = (await store.ListAsync(new RunQuery("shared-inbox", Limit: 100))).Items.OrderBy(r => r.CreatedAt).ToArray();
            if (runs.Length >= count) return runs.Select(r => r.Trigger.GetProperty("subject").GetString()!).ToArray();
            Assert.True(clock.Elapsed < Patience, $"{runs.Length} run(s) after {Patience.TotalSeconds:0} s, not {count}:\n{string.Join("\n----\n", hosts.Select(h => h.Output))}");
            await Task.Delay(50);
        }
    }
}
