using System.Net;
using System.Net.Sockets;
using ChatFlows.Core.Tests.Fixtures;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace ChatFlows.Bot.Tests;

/// <summary>
/// README §Start-up problems: the real <c>chatflows</c> process that cannot start says why and what to do in one line
/// on stderr, with no stack trace, and exits non-zero.
/// </summary>
public sealed class StartupFailureTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private readonly string _folder = Directory.CreateTempSubdirectory("chatflows-startup-").FullName;

    private string DatabasePath => Path.Combine(_folder, "chatflows.db");

    [Fact]
    public async Task Start_PortInUse_PrintsOneLineNamingTheAddressAndAnotherPort()
    {
        using var other = new TcpListener(IPAddress.Loopback, 0);
        other.Start();
        var port = ((IPEndPoint)other.LocalEndpoint).Port;

        var (exitCode, line) = await StartAndFailAsync(Settings(), $"http://127.0.0.1:{port}");

        Assert.NotEqual(0, exitCode);
        Assert.Equal($"chatflows: http://127.0.0.1:{port} is in use by another program; stop it or start with --urls http://127.0.0.1:{port + 1}.", line);
    }

    [Fact]
    public async Task Start_DatabaseLockedByAnotherProgram_PrintsOneLineNamingTheDatabase()
    {
        // Another program holds the file with an exclusive lock (taken by its first write) for as long as it runs.
        using var other = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        other.Open();
        using (var command = other.CreateCommand())
        {
            command.CommandText = "pragma locking_mode = exclusive; create table held (x); insert into held values (1);";
            command.ExecuteNonQuery();
        }

        var (exitCode, line) = await StartAndFailAsync(Settings());

        Assert.NotEqual(0, exitCode);
        Assert.Equal(
            $"chatflows: the database {DatabasePath} is locked by another program (is another chatflows using it?); stop that program, or set ChatFlows:Storage:ConnectionString to another file.",
            line);
    }

    [Fact]
    public async Task Start_DatabaseFileIsNotADatabase_PrintsOneLineSayingWhatToCheck()
    {
        await File.WriteAllTextAsync(DatabasePath, new string('x', 4096));

        var (exitCode, line) = await StartAndFailAsync(Settings());

        Assert.NotEqual(0, exitCode);
        Assert.StartsWith($"chatflows: the database {DatabasePath} cannot be opened (file is not a database); ", line, StringComparison.Ordinal);
        Assert.EndsWith("or set ChatFlows:Storage:ConnectionString to another file.", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_ApiKeyTooShort_PrintsOneLineNamingTheSetting()
    {
        var (exitCode, line) = await StartAndFailAsync(Settings(("ChatFlows:Access:ApiKey", "short")));

        Assert.NotEqual(0, exitCode);
        Assert.Equal(
            "chatflows: a setting is wrong: ChatFlows:Access:ApiKey must be at least 16 characters long (e.g. `openssl rand -hex 24`). Fix it in appsettings.json, an environment variable or the command line.",
            line);
    }

    [Fact]
    public async Task Start_StorageProviderUnknown_PrintsOneLineWithTheValidatorsMessage()
    {
        var (exitCode, line) = await StartAndFailAsync(Settings(("ChatFlows:Storage:Provider", "oracle")));

        Assert.NotEqual(0, exitCode);
        Assert.Equal(
            "chatflows: a setting is wrong: ChatFlows:Storage:Provider must be 'sqlite' or 'postgres'. Fix it in appsettings.json, an environment variable or the command line.",
            line);
    }

    [Fact]
    public async Task Start_PostgresPortWithoutServer_PrintsOneLineNamingServerAndDatabaseWithoutThePassword()
    {
        using var nobody = new TcpListener(IPAddress.Loopback, 0);
        nobody.Start();
        var port = ((IPEndPoint)nobody.LocalEndpoint).Port;
        nobody.Stop(); // nothing listens there any more

        var (exitCode, line) = await StartAndFailAsync(Postgres($"Host=127.0.0.1;Port={port};Database=chatflows;Username=chatflows;Password=hunter2-never-shown"));

        Assert.NotEqual(0, exitCode);
        Assert.Equal(
            $"chatflows: the PostgreSQL server 127.0.0.1:{port} (database chatflows) cannot be reached (connection refused); start it, or set Host and Port in ChatFlows:Storage:ConnectionString to where it listens.",
            line);
    }

    [Fact]
    public async Task Start_PostgresDatabaseMissing_PrintsOneLineNamingTheDatabaseAndHowToCreateIt()
    {
        var server = new NpgsqlConnectionStringBuilder(await TestDatabases.CreatePostgresAsync()) { Database = "no_such_chatflows", Password = "hunter2-never-shown" };

        var (exitCode, line) = await StartAndFailAsync(Postgres(server.ConnectionString));

        Assert.NotEqual(0, exitCode);
        Assert.Equal(
            $"chatflows: the PostgreSQL server {server.Host}:{server.Port} has no database no_such_chatflows; create it (e.g. createdb -h {server.Host} -p {server.Port} -U {server.Username} no_such_chatflows), or set Database in ChatFlows:Storage:ConnectionString to one that exists.",
            line);
    }

    [Theory]
    [InlineData("Data Source=./data/chatflows.db", "it has the key 'data source', which PostgreSQL does not know, or a value for it that is not valid")]
    [InlineData("Host=db.internal;Username=chatflows;Password=hunter2-never-shown", "it names no Database")]
    [InlineData(" ", null)]
    public async Task Start_PostgresConnectionStringUnreadable_PrintsOneLineNamingTheSettingWithAnExample(string connectionString, string? problem)
    {
        var (exitCode, line) = await StartAndFailAsync(Postgres(connectionString));

        Assert.NotEqual(0, exitCode);
        var example = "e.g. 'Host=db.internal;Port=5432;Database=chatflows;Username=chatflows;Password=…'";
        Assert.Equal(
            problem is null
                ? $"chatflows: a setting is wrong: ChatFlows:Storage:ConnectionString is empty; with ChatFlows:Storage:Provider 'postgres' set it to {example}. Fix it in appsettings.json, an environment variable or the command line."
                : $"chatflows: a setting is wrong: ChatFlows:Storage:ConnectionString is not a PostgreSQL connection string ({problem}); with ChatFlows:Storage:Provider 'postgres' write it as {example}. Fix it in appsettings.json, an environment variable or the command line.",
            line);
    }

    [Fact]
    public async Task Start_SqliteProviderWithPostgresConnectionString_PrintsOneLineSuggestingTheProvider()
    {
        var (exitCode, line) = await StartAndFailAsync(Settings(("ChatFlows:Storage:ConnectionString", "Host=db.internal;Database=chatflows")));

        Assert.NotEqual(0, exitCode);
        Assert.StartsWith("chatflows: a setting is wrong: ChatFlows:Storage:ConnectionString is not a SQLite connection string (", line, StringComparison.Ordinal);
        Assert.Contains("or set ChatFlows:Storage:Provider to 'postgres' for a PostgreSQL server.", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_ConnectionOfUnknownType_PrintsOneLineNamingTheConnectionKey()
    {
        var (exitCode, line) = await StartAndFailAsync(Settings(("ChatFlows:Connections:billing:Type", "ftp")));

        Assert.NotEqual(0, exitCode);
        Assert.StartsWith("chatflows: a setting is wrong: ChatFlows:Connections:billing:Type must be one of ", line, StringComparison.Ordinal);
        Assert.EndsWith(", not 'ftp'. Fix it in appsettings.json, an environment variable or the command line.", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_McpServerUrlPlainHttpToAnotherMachine_PrintsOneLineNamingTheKey()
    {
        var (exitCode, line) = await StartAndFailAsync(Settings(("ChatFlows:Mcp:Servers:github:Url", "http://mcp.example.com/mcp")));

        Assert.NotEqual(0, exitCode);
        Assert.Equal(
            "chatflows: a setting is wrong: ChatFlows:Mcp:Servers:github:Url uses plain http to mcp.example.com; use https, or plain http only for a loopback host " +
            "(localhost, 127.0.0.1, [::1]). Fix it in appsettings.json, an environment variable or the command line.",
            line);
    }

    [Fact]
    public async Task Start_OtlpProtocolUnknown_PrintsOneLineNamingTheSettingAndTheProtocols()
    {
        var (exitCode, line) = await StartAndFailAsync(Settings(
            ("ChatFlows:Telemetry:Otlp:Endpoint", "http://127.0.0.1:4317"), ("ChatFlows:Telemetry:Otlp:Protocol", "http/json")));

        Assert.NotEqual(0, exitCode);
        Assert.Equal(
            "chatflows: a setting is wrong: ChatFlows:Telemetry:Otlp:Protocol is 'http/json'; it must be 'grpc' (a collector on port 4317) or 'http/protobuf' (port 4318). " +
            "Fix it in appsettings.json, an environment variable or the command line.",
            line);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        TestFolder.Delete(_folder);
    }

    private Dictionary<string, string> Settings(params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string>
        {
            ["ChatFlows:Storage:ConnectionString"] = $"Data Source={DatabasePath}",
            ["ChatFlows:Storage:KeysDirectory"] = Path.Combine(_folder, "keys"),
        };
        foreach (var (key, value) in more) settings[key] = value;
        return settings;
    }

    private Dictionary<string, string> Postgres(string connectionString) =>
        Settings(("ChatFlows:Storage:Provider", "postgres"), ("ChatFlows:Storage:ConnectionString", connectionString));

    // The exit code and the one line printed to stderr (the test fails with everything printed when there is more).
    private async Task<(int ExitCode, string Line)> StartAndFailAsync(Dictionary<string, string> settings, string urls = "http://127.0.0.1:0")
    {
        using var host = HostProcess.Start(_folder, settings, urls);
        int exitCode;
        try
        {
            exitCode = await host.WaitForExitAsync(Patience);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"The host did not stop:\n{host.Output}");
            throw;
        }
        var lines = host.Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(lines.Length == 1, $"stderr is not one line:\n{host.Errors}\n--- all output:\n{host.Output}");
        Assert.DoesNotContain("   at ", host.Output, StringComparison.Ordinal); // no stack frame anywhere
        Assert.DoesNotContain("hunter2", host.Output, StringComparison.Ordinal); // no password either
        return (exitCode, lines[0]);
    }
}
