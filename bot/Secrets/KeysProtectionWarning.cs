using ChatFlows.Bot.Hosting;
using Microsoft.Extensions.Options;

namespace ChatFlows.Bot.Secrets;

/// <summary>Says once at start-up when the Data Protection keys lie on disk unencrypted, and which setting protects them.</summary>
internal sealed partial class KeysProtectionWarning(IOptions<StorageOptions> storage, IConfiguration configuration, ILogger<KeysProtectionWarning> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(storage.Value.KeysCertificate)) LogUnprotected(SecretsServiceCollectionExtensions.KeysLocation(configuration), KeysCertificate.Key);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Data Protection keys in {KeysLocation} are stored unencrypted; set {Setting} (a PFX file, with KeysCertificatePassword) to protect them")]
    private partial void LogUnprotected(string keysLocation, string setting);
}
