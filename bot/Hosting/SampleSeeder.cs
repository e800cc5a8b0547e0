using System.Text.Json;
using ChatFlows.Core.Agents;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Running;
using ChatFlows.Core.Storage;
using Dapper;
using Microsoft.Extensions.Options;

namespace ChatFlows.Bot.Hosting;

/// <summary>
/// Puts the sample workflows and agents into the database the first time it sees each of them, so a new user has
/// something to run. A sample is seeded once: it never overwrites a workflow or agent of the same id, and one that
/// a person edited or deleted is left as they left it. A sample workflow that does not validate here — it names a
/// connection this host does not have — is not stored (an invalid document is never saved) and is tried again at
/// the next start, so it appears once its connection is configured.
/// </summary>
internal sealed partial class SampleSeeder(
    StoreDatabase database, IWorkflowStore workflows, IAgentStore agents, WorkflowEngine engine, TimeProvider time, IOptions<SampleOptions> options,
    ILogger<SampleSeeder> logger)
    : IHostedService
{
    /// <summary>The author a seeded sample's first version is listed under in its history (README §Workflow history).</summary>
    public const string SavedBy = "samples";

    private static readonly JsonSerializerOptions AgentJson = new(JsonSerializerDefaults.Web);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var folder = options.Value.ResolvedFolder;
        if (!options.Value.Seed) return;
        if (!Directory.Exists(folder))
        {
            LogNoSamples(folder);
            return;
        }
        var agentsFolder = Path.Combine(folder, "agents");
        foreach (var file in Directory.Exists(agentsFolder) ? Directory.GetFiles(agentsFolder, "*.json").Order() : Enumerable.Empty<string>())
        {
            await SeedAsync("agent", file, async (json, ct) =>
            {
                var agent = JsonSerializer.Deserialize<AgentDefinition>(json, AgentJson) ?? throw new JsonException("The file holds no agent.");
                return (agent.Id, await agents.CreateAsync(agent, ct) is not null, Settled: true);
            }, cancellationToken);
        }
        foreach (var file in Directory.GetFiles(folder, "*.json").Order())
        {
            await SeedAsync("workflow", file, async (json, ct) =>
            {
                var document = WorkflowJson.Parse(json);
                if (CommandNames.Conflicts(document, (await workflows.ListAsync(ct)).Select(s => s.Document)) is { Count: > 0 } taken)
                {
                    // A workflow saved meanwhile took its command: the sample is left out rather than made ambiguous.
                    LogCommandTaken(document.Id, string.Join("; ", taken));
                    return (document.Id, Created: false, Settled: true);
                }
                if (engine.Validate(document) is { Count: > 0 } problems)
                {
                    LogNotValidHere(document.Id, string.Join("; ", problems.Select(p => $"{p.Path}: {p.Message}")));
                    return (document.Id, Created: false, Settled: false);
                }
                return (document.Id, await workflows.CreateAsync(document, SavedBy, ct) is not null, Settled: true);
            }, cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // create answers whether it stored the sample, and whether that is settled: a sample not stored because it does
    // not validate here is not recorded as seeded, so the next start tries it again. The seeded_samples row is taken
    // first, as a claim: of several instances starting at once on one database, exactly one inserts it and seeds the
    // sample; the others see it taken. A claim whose sample was not settled is given back.
    private async Task SeedAsync(string kind, string file, Func<string, CancellationToken, Task<(string Id, bool Created, bool Settled)>> create, CancellationToken ct)
    {
        const string ClaimSql = "insert into seeded_samples (kind, id, seeded_at) values (@Kind, @Id, @Now) on conflict (kind, id) do nothing";
        const string ReleaseSql = "delete from seeded_samples where kind = @Kind and id = @Id";
        var id = Path.GetFileNameWithoutExtension(file);
        await using var connection = await database.OpenAsync(ct);
        var claim = new { Kind = kind, Id = id, Now = time.GetUtcNow().ToUnixTimeMilliseconds() };
        if (await connection.ExecuteAsync(new CommandDefinition(ClaimSql, claim, cancellationToken: ct)) != 1) return;
        var settled = false;
        try
        {
            var (documentId, created, isSettled) = await create(await File.ReadAllTextAsync(file, ct), ct);
            settled = isSettled;
            if (!settled) return;
            if (created) LogSeeded(kind, documentId);
            else LogKept(kind, documentId);
        }
        catch (Exception e) when (e is JsonException or WorkflowFormatException or IOException)
        {
            LogUnreadable(e, kind, file);
        }
        finally
        {
            if (!settled) await connection.ExecuteAsync(new CommandDefinition(ReleaseSql, claim, cancellationToken: CancellationToken.None));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sample {Kind} {Id} added")]
    private partial void LogSeeded(string kind, string id);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sample {Kind} {Id} not added: one with that id exists and is kept as it is")]
    private partial void LogKept(string kind, string id);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sample workflow {Id} not added: {Problems}")]
    private partial void LogCommandTaken(string id, string problems);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sample workflow {Id} not added yet; it is added at the first start after this is fixed: {Problems}")]
    private partial void LogNotValidHere(string id, string problems);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sample {Kind} in {File} skipped: it cannot be read")]
    private partial void LogUnreadable(Exception exception, string kind, string file);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No samples added: the folder {Folder} does not exist (ChatFlows:Samples:Folder)")]
    private partial void LogNoSamples(string folder);
}
