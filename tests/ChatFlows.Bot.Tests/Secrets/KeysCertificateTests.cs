using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ChatFlows.Bot.Tests.Access;
using ChatFlows.Core.Secrets;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatFlows.Bot.Tests.Secrets;

/// <summary>
/// README §Security: the Data Protection keys that seal stored secrets and sign-ins can be encrypted on disk with a
/// certificate (ChatFlows:Storage:KeysCertificate); without one the host says so at start-up.
/// </summary>
public sealed class KeysCertificateTests
{
    internal const string Password = "pfx-password-for-tests";

    [Fact]
    public async Task KeysCertificate_Set_KeysOnDiskAreEncryptedAndSecretsSurviveARestart()
    {
        var folder = Directory.CreateTempSubdirectory("chatflows-keys-").FullName;
        try
        {
            var settings = new Dictionary<string, string>
            {
                ["ChatFlows:Storage:KeysCertificate"] = WritePfx(folder),
                ["ChatFlows:Storage:KeysCertificatePassword"] = Password,
            };
            var logs = new LogCollector(LogLevel.Warning);
            await using (var host = new AccessHost(apiKey: null, settings, logs, folder))
            {
                using var client = host.Client(remote: null);
                using var set = await client.PutAsync("/api/secrets/DEPLOY_TOKEN", HostFixture.Json("""{"value": "s3cret-value-kept-at-rest"}"""));
                Assert.Equal(HttpStatusCode.Created, set.StatusCode);
            }
            Assert.DoesNotContain(logs.Messages, m => m.Contains("stored unencrypted", StringComparison.Ordinal));

            var keyFiles = Directory.GetFiles(Path.Combine(folder, "keys"), "key-*.xml");
            Assert.NotEmpty(keyFiles);
            foreach (var file in keyFiles)
            {
                var xml = await File.ReadAllTextAsync(file);
                Assert.Contains("<EncryptedData", xml, StringComparison.Ordinal);
                Assert.DoesNotContain("<masterKey", xml, StringComparison.Ordinal);
            }

            await using (var restarted = new AccessHost(apiKey: null, settings, folder: folder))
            {
                var vault = restarted.Services.GetRequiredService<SecretVault>();
                Assert.True(vault.TryGet("DEPLOY_TOKEN", out var value));
                Assert.Equal("s3cret-value-kept-at-rest", value);
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            TestFolder.Delete(folder);
        }
    }

    [Fact]
    public async Task KeysCertificate_Unset_LogsOneWarningNamingTheSetting()
    {
        var logs = new LogCollector(LogLevel.Warning);
        await using var host = new AccessHost(apiKey: null, logs: logs);

        var warning = Assert.Single(logs.Messages, m => m.Contains("stored unencrypted", StringComparison.Ordinal));
        Assert.Contains("set ChatFlows:Storage:KeysCertificate", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeysCertificate_WrongPassword_StopsTheHostNamingTheSetting()
    {
        var folder = Directory.CreateTempSubdirectory("chatflows-keys-").FullName;
        try
        {
            // The real executable, as an operator starts it: it must stop, and say which setting to fix.
            using var host = HostProcess.Start(folder, new Dictionary<string, string>
            {
                ["ChatFlows:Storage:ConnectionString"] = $"Data Source={Path.Combine(folder, "chatflows.db")}",
                ["ChatFlows:Storage:KeysDirectory"] = Path.Combine(folder, "keys"),
                ["ChatFlows:Storage:KeysCertificate"] = WritePfx(folder),
                ["ChatFlows:Storage:KeysCertificatePassword"] = "not-the-password",
            });

            var exitCode = await host.WaitForExitAsync(TimeSpan.FromSeconds(60));

            Assert.NotEqual(0, exitCode);
            Assert.Contains("ChatFlows:Storage:KeysCertificate", host.Output, StringComparison.Ordinal);
            Assert.Contains("could not be opened", host.Output, StringComparison.Ordinal);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            TestFolder.Delete(folder);
        }
    }

    // A self-signed RSA certificate with its private key, as an operator would export one; kept outside the keys folder.
    internal static string WritePfx(string folder)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=ChatFlows keys", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        var path = Path.Combine(folder, "keys-certificate.pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, Password));
        return path;
    }
}
