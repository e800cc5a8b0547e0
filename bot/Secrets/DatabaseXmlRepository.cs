using System.Xml.Linq;
using ChatFlows.Core.Storage;
using Dapper;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace ChatFlows.Bot.Secrets;

/// <summary>
/// The Data Protection key ring in the database's <c>data_protection_keys</c> table (README §Running several
/// instances), so that every instance on one PostgreSQL database encrypts and decrypts with the same keys: a secret
/// saved on one is read on another, and a sign-in cookie or antiforgery token issued by one is accepted by the others.
/// Data Protection encrypts each key before it gets here when <c>ChatFlows:Storage:KeysCertificate</c> is set.
/// </summary>
internal sealed class DatabaseXmlRepository(StoreDatabase database, TimeProvider time) : IXmlRepository
{
    /// <inheritdoc />
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        const string Sql = "select xml from data_protection_keys order by created_at, friendly_name";
        using var connection = database.Open();
        return connection.Query<string>(Sql).Select(xml => XElement.Parse(xml)).ToArray();
    }

    /// <inheritdoc />
    public void StoreElement(XElement element, string friendlyName)
    {
        // Names are unique per key ("key-<guid>") and per revocation; a second write of one name replaces it, as the
        // file system repository overwrites its file.
        const string Sql = """
            insert into data_protection_keys (friendly_name, xml, created_at) values (@FriendlyName, @Xml, @Now)
            on conflict (friendly_name) do update set xml = excluded.xml
            """;
        using var connection = database.Open();
        connection.Execute(Sql, new { FriendlyName = friendlyName, Xml = element.ToString(SaveOptions.DisableFormatting), Now = time.GetUtcNow().ToUnixTimeMilliseconds() });
    }
}
