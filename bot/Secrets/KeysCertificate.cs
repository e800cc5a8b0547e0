using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ChatFlows.Bot.Hosting;

namespace ChatFlows.Bot.Secrets;

/// <summary>
/// The certificate that encrypts the Data Protection keys at rest (<c>ChatFlows:Storage:KeysCertificate</c>, a PFX with
/// <c>KeysCertificatePassword</c>). Checked at start-up by <see cref="Problem"/>.
/// </summary>
internal static class KeysCertificate
{
    public const string Key = "ChatFlows:Storage:KeysCertificate";

    /// <summary>The configured certificate; null when none is configured or it cannot be used (start-up then fails with <see cref="Problem"/>).</summary>
    public static X509Certificate2? TryLoad(StorageOptions storage) =>
        string.IsNullOrWhiteSpace(storage.KeysCertificate) || Problem(storage) is not null ? null : Load(storage.KeysCertificate, storage.KeysCertificatePassword);

    /// <summary>Why the configured certificate cannot protect the keys; null when it can, or when none is configured.</summary>
    public static string? Problem(StorageOptions storage)
    {
        if (string.IsNullOrWhiteSpace(storage.KeysCertificate)) return null;
        var path = Path.GetFullPath(storage.KeysCertificate.Trim());
        if (!File.Exists(path)) return $"{Key} names {path}, which does not exist; point it at a PFX file.";
        try
        {
            using var certificate = Load(path, storage.KeysCertificatePassword);
            if (!certificate.HasPrivateKey) return $"{Key} ({path}) has no private key; export the PFX with it.";
            using var rsa = certificate.GetRSAPrivateKey();
            return rsa is null ? $"{Key} ({path}) does not hold an RSA key, which Data Protection needs to encrypt its keys." : null;
        }
        catch (CryptographicException e)
        {
            return $"{Key} ({path}) could not be opened ({e.Message.TrimEnd('.')}); check the file and {Key}Password.";
        }
    }

    private static X509Certificate2 Load(string path, string? password) =>
        // Ephemeral: the private key stays in memory and no copy is written to the user's key store.
        X509CertificateLoader.LoadPkcs12FromFile(Path.GetFullPath(path.Trim()), string.IsNullOrEmpty(password) ? null : password, X509KeyStorageFlags.EphemeralKeySet);
}
