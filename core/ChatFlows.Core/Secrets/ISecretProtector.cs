namespace ChatFlows.Core.Secrets;

/// <summary>
/// Encrypts secret values before they are stored and decrypts them when they are loaded. The host implements it
/// with ASP.NET Core Data Protection, whose keys live outside the database.
/// </summary>
public interface ISecretProtector
{
    /// <summary>The encrypted form of <paramref name="value"/>.</summary>
    string Protect(string value);

    /// <summary>The value back; throws when the text was not protected with a key this host has.</summary>
    string Unprotect(string protectedValue);
}
