using System.Text;
using ChatFlows.Bot.Hosting;
using ChatFlows.Bot.Secrets;
using ChatFlows.Bot.Tests.Secrets;
using ChatFlows.Core.Secrets;
using ChatFlows.Core.Storage;
using ChatFlows.Core.Storage.Postgres;
using ChatFlows.Core.Tests.Fixtures;
using Dapper;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ChatFlows.Bot.Tests.Storage;

/// <summary>
/// README §Running several instances: on PostgreSQL every instance encrypts with one key ring kept in the database,
/// so a secret saved on one is read on another and what one signs (sign-in cookies, antiforgery tokens) another
/// accepts; with SQLite, or a keys directory set, the keys stay files.
/// </summary>
public sealed class SharedKeyRingTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("chatflows-keyring-").FullName;
    private readonly List<ServiceProvider> _instances = [];
    private string _postgres = "";

    public async Task InitializeAsync()
    {
        _postgres = await TestDatabases.CreatePostgresAsync();
        var database = new PostgresDatabase(_postgres);
        database.Migrate();
        database.Migrate(BotMigrations.Area);
        await database.DisposeAsync();
    }

    [Fact]
    public async Task AddSecrets_Postgres_SecretSavedOnOneInstanceIsReadOnAnother()
    {
        var a = Instance(Postgres());
        var b = Instance(Postgres());

        await a.GetRequiredService<ISecretStore>().SetAsync("DEPLOY_TOKEN", "s3cret-from-a");

        Assert.Equal("s3cret-from-a", (await b.GetRequiredService<ISecretStore>().LoadAsync())["DEPLOY_TOKEN"]);
        Assert.Single(await KeysInDatabaseAsync());
        Assert.False(Directory.Exists(Path.Combine(_folder, "keys")));
    }

    [Fact]
    public void AddSecrets_Postgres_WhatOneInstanceSignsAnotherAccepts()
    {
        var a = Instance(Postgres());
        var b = Instance(Postgres());
        // The purpose of the sign-in cookie: a cookie issued by one instance must let the person in on any other.
        const string Purpose = "Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationMiddleware";

        var cookie = a.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose).Protect(Encoding.UTF8.GetBytes("ada@example.com"));
        var token = b.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose).Protect(Encoding.UTF8.GetBytes("grace@example.com"));

        Assert.Equal("ada@example.com", Encoding.UTF8.GetString(b.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose).Unprotect(cookie)));
        Assert.Equal("grace@example.com", Encoding.UTF8.GetString(a.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose).Unprotect(token)));
    }

    [Fact]
    public async Task AddSecrets_PostgresWithKeysCertificate_KeysInTheDatabaseAreEncrypted()
    {
        var settings = Postgres();
        settings["ChatFlows:Storage:KeysCertificate"] = KeysCertificateTests.WritePfx(_folder);
        settings["ChatFlows:Storage:KeysCertificatePassword"] = KeysCertificateTests.Password;
        var a = Instance(settings);

        await a.GetRequiredService<ISecretStore>().SetAsync("DEPLOY_TOKEN", "s3cret");

        var xml = Assert.Single(await KeysInDatabaseAsync());
        Assert.Contains("<EncryptedData", xml, StringComparison.Ordinal);
        Assert.DoesNotContain("<masterKey", xml, StringComparison.Ordinal);
        Assert.Equal("s3cret", (await Instance(settings).GetRequiredService<ISecretStore>().LoadAsync())["DEPLOY_TOKEN"]);
    }

    [Fact]
    public async Task AddSecrets_PostgresWithKeysDirectory_KeysAreFilesInThatFolder()
    {
        var settings = Postgres();
        settings["ChatFlows:Storage:KeysDirectory"] = Path.Combine(_folder, "shared-keys");

        await Instance(settings).GetRequiredService<ISecretStore>().SetAsync("DEPLOY_TOKEN", "s3cret");

        Assert.Empty(await KeysInDatabaseAsync());
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(_folder, "shared-keys"), "key-*.xml"));
    }

    [Fact]
    public async Task AddSecrets_Sqlite_KeysStayFilesBesideTheDatabase()
    {
        var connectionString = $"Data Source={Path.Combine(_folder, "chatflows.db")}";
        var database = new SqliteDatabase(connectionString);
        database.Migrate();
        database.Migrate(BotMigrations.Area);
        var settings = new Dictionary<string, string?> { ["ChatFlows:Storage:Provider"] = "sqlite", ["ChatFlows:Storage:ConnectionString"] = connectionString };

        await Instance(settings, database).GetRequiredService<ISecretStore>().SetAsync("DEPLOY_TOKEN", "s3cret");

        Assert.NotEmpty(Directory.GetFiles(Path.Combine(_folder, "keys"), "key-*.xml"));
        await using var connection = await database.OpenAsync();
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("select count(*) from data_protection_keys"));
    }

    public async Task DisposeAsync()
    {
        foreach (var instance in _instances)
        {
            if (instance.GetService<StoreDatabase>() is PostgresDatabase postgres) await postgres.DisposeAsync();
            await instance.DisposeAsync();
        }
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private Dictionary<string, string?> Postgres() => new() { ["ChatFlows:Storage:Provider"] = "postgres", ["ChatFlows:Storage:ConnectionString"] = _postgres };

    // What AddSecrets needs from the host, in a container of its own: one instance of the product.
    private ServiceProvider Instance(Dictionary<string, string?> settings, StoreDatabase? database = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(database ?? new PostgresDatabase(_postgres));
        services.AddSecrets(configuration);
        var provider = services.BuildServiceProvider();
        _instances.Add(provider);
        return provider;
    }

    private async Task<IReadOnlyList<string>> KeysInDatabaseAsync()
    {
        await using var database = new PostgresDatabase(_postgres);
        await using var connection = await database.OpenAsync();
        return (await connection.QueryAsync<string>("select xml from data_protection_keys")).AsList();
    }
}
