namespace ChatFlows.Core.Connections;

/// <summary>
/// The connection types (README §Connections), the settings each one takes, and which of them are credentials:
/// credentials are never shown by the API and are redacted from whatever a run records.
/// </summary>
public static class ConnectionTypes
{
    public const string Mail = "mail";
    public const string Database = "database";
    public const string Github = "github";
    public const string Http = "http";

    /// <summary>Every type, in the order the dashboard lists them.</summary>
    public static IReadOnlyList<string> All { get; } = [Mail, Database, Github, Http];

    /// <summary>Settings of each type; <c>Headers</c> of an http connection holds one child per header.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Settings { get; } = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
    {
        [Mail] = ["ImapHost", "ImapPort", "SmtpHost", "SmtpPort", "UserName", "Password", "Security", "From"],
        [Database] = ["Provider", "ConnectionString", "ReadOnly"],
        [Github] = ["Token", "ApiBaseUrl"],
        [Http] = ["BaseUrl", "Headers"],
    };

    /// <summary>True for a known type.</summary>
    public static bool IsKnown(string? type) => type is not null && Settings.ContainsKey(type);

    /// <summary>True when <paramref name="key"/> (e.g. <c>Password</c>, <c>Headers:Authorization</c>) is a known setting of <paramref name="type"/>.</summary>
    public static bool IsSetting(string type, string key) =>
        Settings.TryGetValue(type, out var keys) && keys.Any(k => k.Equals(Root(key), StringComparison.OrdinalIgnoreCase)) && (key.Contains(':') == IsGroup(type, Root(key)));

    /// <summary>
    /// True when the setting holds a credential: a mail password, a database connection string (which may carry a
    /// password), a GitHub token, every header value of an http connection.
    /// </summary>
    public static bool IsCredential(string type, string key) => (type, Root(key).ToLowerInvariant()) switch
    {
        (Mail, "password") => true,
        (Database, "connectionstring") => true,
        (Github, "token") => true,
        (Http, "headers") => true,
        _ => false,
    };

    private static bool IsGroup(string type, string root) => type == Http && root.Equals("Headers", StringComparison.OrdinalIgnoreCase);

    private static string Root(string key) => key.Split(':', 2)[0];
}
