using ChatFlows.Core.Secrets;
using Microsoft.AspNetCore.DataProtection;

namespace ChatFlows.Bot.Secrets;

/// <summary>Encrypts secret values with ASP.NET Core Data Protection, whose keys are kept apart from the database.</summary>
internal sealed class DataProtectionSecretProtector(IDataProtectionProvider provider) : ISecretProtector
{
    // The purpose string isolates these ciphertexts from anything else the host protects.
    private readonly IDataProtector _protector = provider.CreateProtector("ChatFlows.Secrets.v1");

    public string Protect(string value) => _protector.Protect(value);

    public string Unprotect(string protectedValue) => _protector.Unprotect(protectedValue);
}
