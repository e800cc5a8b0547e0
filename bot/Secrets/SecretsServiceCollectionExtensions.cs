using ChatFlows.Bot.Hosting;
using ChatFlows.Core.Secrets;
using ChatFlows.Core.Storage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace ChatFlows.Bot.Secrets;

/// <summary>Registers named secrets: encrypted in the database with Data Protection keys shared by every instance.</summary>
public static class SecretsServiceCollectionExtensions
{
    /// <summary>
    /// Adds the secret vault (stored secrets plus <c>ChatFlows:Secrets:NAME</c> from configuration) and Data
    /// Protection, with its keys in <c>ChatFlows:Storage:KeysDirectory</c> (default: <c>keys</c> beside the SQLite
    /// database) or, on PostgreSQL without a keys directory, in the database itself (<see cref="DatabaseXmlRepository"/>),
    /// encrypted with the certificate of <c>ChatFlows:Storage:KeysCertificate</c> when one is set.
    /// </summary>
    public static IServiceCollection AddSecrets(this IServiceCollection services, IConfiguration configuration)
    {
        var dataProtection = services.AddDataProtection().SetApplicationName("ChatFlows");
        if (KeysInDatabase(configuration))
        {
            // As PersistKeysToDbContext does: the repository is built from the container, once it holds the database.
            services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp => new ConfigureOptions<KeyManagementOptions>(options =>
                options.XmlRepository = new DatabaseXmlRepository(sp.GetRequiredService<StoreDatabase>(), sp.GetRequiredService<TimeProvider>())));
        }
        else
        {
            dataProtection.PersistKeysToFileSystem(new DirectoryInfo(KeysDirectory(configuration)));
        }
        // New keys are encrypted with the certificate and existing ones read with it, with no certificate store involved.
        if (KeysCertificate.TryLoad(configuration.GetSection("ChatFlows:Storage").Get<StorageOptions>() ?? new StorageOptions()) is { } certificate)
        {
            dataProtection.ProtectKeysWithCertificate(certificate).UnprotectKeysWithAnyCertificate(certificate);
        }
        services.AddSingleton<IValidateOptions<StorageOptions>, KeysCertificateValidation>();
        services.AddHostedService<KeysProtectionWarning>();
        services.AddSingleton<ISecretProtector, DataProtectionSecretProtector>();
        services.AddSingleton<ISecretStore, DatabaseSecretStore>();
        services.AddSingleton(sp => new SecretVault(
            sp.GetRequiredService<ISecretStore>(),
            configuration.GetSection("ChatFlows:Secrets").GetChildren().Where(c => c.Value is not null).Select(c => new KeyValuePair<string, string>(c.Key, c.Value!))));
        services.AddHostedService<SecretsRefreshService>();
        return services;
    }

    /// <summary>
    /// Leaves the Data Protection key ring to be read, and a new install's first key made, when something first
    /// protects or unprotects (a stored secret, a sign-in cookie, an access pass, a Slack approval token) instead of at
    /// start-up by Data Protection's own hosted service. Keys, where they are kept and how they are encrypted do not
    /// change; an idle host that has done none of these does not hold the key ring and the code that reads it (README
    /// §Memory), and <see cref="KeysProtectionWarning"/> still warns at start-up about unencrypted keys. Call it after
    /// every other registration: authentication and antiforgery add Data Protection, and its hosted service, again.
    /// </summary>
    public static IServiceCollection ReadKeyRingOnFirstUse(this IServiceCollection services)
    {
        const string preload = "Microsoft.AspNetCore.DataProtection.Internal.DataProtectionHostedService";
        foreach (var service in services.Where(s => s.ServiceType == typeof(IHostedService) && s.ImplementationType?.FullName == preload).ToList()) services.Remove(service);
        return services;
    }

    /// <summary>
    /// True when the key ring lives in the database: on PostgreSQL, where instances share it, unless a keys
    /// directory (a folder every instance mounts) is set. On SQLite the keys stay files, as they always were.
    /// </summary>
    internal static bool KeysInDatabase(IConfiguration configuration) =>
        configuration["ChatFlows:Storage:Provider"] == "postgres" && string.IsNullOrEmpty(configuration["ChatFlows:Storage:KeysDirectory"]);

    /// <summary>Where the keys are, for messages: the keys directory, or the database's table.</summary>
    internal static string KeysLocation(IConfiguration configuration) =>
        KeysInDatabase(configuration) ? "the database (table data_protection_keys)" : KeysDirectory(configuration);

    /// <summary>The keys directory: configured, or <c>keys</c> in the folder of the SQLite database.</summary>
    internal static string KeysDirectory(IConfiguration configuration)
    {
        if (configuration["ChatFlows:Storage:KeysDirectory"] is { Length: > 0 } configured) return Path.GetFullPath(configured);
        // A PostgreSQL connection string names no folder.
        if (configuration["ChatFlows:Storage:Provider"] == "postgres") return Path.GetFullPath(Path.Combine("data", "keys"));
        var connectionString = configuration["ChatFlows:Storage:ConnectionString"] is { Length: > 0 } text ? text : SqliteDatabase.DefaultConnectionString;
        string file;
        try
        {
            file = new SqliteConnectionStringBuilder(connectionString).DataSource;
        }
        catch (ArgumentException)
        {
            // Not a SQLite connection string: StorageOptions' validation stops the start with one line naming it.
            file = "";
        }
        var folder = Path.GetDirectoryName(Path.GetFullPath(string.IsNullOrEmpty(file) || file == ":memory:" ? "./data/x" : file))!;
        return Path.Combine(folder, "keys");
    }
}
