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

    /// <summary>The type with its indefinite article, for sentences: "a mail", "an http".</summary>
    public static string WithArticle(string type) => (type == Http ? "an " : "a ") + type;

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

    /// <summary>The setting's name as <see cref="Settings"/> spells it (<c>smtpport</c> → <c>SmtpPort</c>), with a group's child name kept as given.</summary>
    public static string Canonical(string type, string key)
    {
        var root = Root(key);
        var known = Settings.TryGetValue(type, out var keys) ? keys.FirstOrDefault(k => k.Equals(root, StringComparison.OrdinalIgnoreCase)) : null;
        return known is null ? key : known + key[root.Length..];
    }

    /// <summary>True when <paramref name="key"/> names the group itself (the <c>Headers</c> of an http connection).</summary>
    public static bool IsGroupKey(string type, string key) => !key.Contains(':') && IsGroup(type, key);

    /// <summary>
    /// What is wrong with <paramref name="value"/> for setting <paramref name="key"/> of a <paramref name="type"/>
    /// connection, as a sentence; null when it is fine. An empty value is always fine: it leaves the setting unset.
    /// </summary>
    public static string? ValueProblem(string type, string key, string value)
    {
        if (value.Length == 0) return null;
        var root = Root(key);
        switch (type, root.ToLowerInvariant())
        {
            case (Mail, "imapport" or "smtpport"):
                return int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535
                    ? null
                    : $"{Canonical(type, root)} must be a port number from 1 to 65535, not '{value}'.";
            case (Mail, "security"):
                return MailSecurity.Contains(value, StringComparer.OrdinalIgnoreCase) ? null : $"Security must be one of {string.Join(", ", MailSecurity)}, not '{value}'.";
            case (Database, "provider"):
                return DatabaseProviders.Contains(value, StringComparer.OrdinalIgnoreCase) ? null : $"Provider must be sqlite or postgres, not '{value}'.";
            case (Database, "readonly"):
                return bool.TryParse(value, out _) ? null : $"ReadOnly must be true or false, not '{value}'.";
            case (Http, "baseurl"):
                return Uri.TryCreate(value, UriKind.Absolute, out var baseUrl) && (baseUrl.Scheme == Uri.UriSchemeHttp || baseUrl.Scheme == Uri.UriSchemeHttps)
                    ? null
                    : $"BaseUrl must be an absolute http:// or https:// URL, like https://api.example.com/v1/.";
            case (Github, "apibaseurl"):
                return Uri.TryCreate(value, UriKind.Absolute, out var apiUrl) && (apiUrl.Scheme == Uri.UriSchemeHttp || apiUrl.Scheme == Uri.UriSchemeHttps)
                    ? null
                    : $"ApiBaseUrl must be an absolute URL, like https://github.example.com/api/v3/.";
            case (Http, "headers"):
                var name = key.Contains(':') ? key[(root.Length + 1)..] : "";
                if (name.Length == 0 || !name.All(IsTokenChar)) return $"'{name}' is not a valid header name.";
                return value.Contains('\r', StringComparison.Ordinal) || value.Contains('\n', StringComparison.Ordinal) ? $"The value of header {name} must be one line." : null;
            default:
                return null;
        }

        // RFC 9110 token characters.
        static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal);
    }

    /// <summary>The values of a mail connection's <c>Security</c>.</summary>
    public static IReadOnlyList<string> MailSecurity { get; } = ["none", "ssl", "starttls", "auto"];

    /// <summary>The values of a database connection's <c>Provider</c>.</summary>
    public static IReadOnlyList<string> DatabaseProviders { get; } = ["sqlite", "postgres"];

    private static bool IsGroup(string type, string root) => type == Http && root.Equals("Headers", StringComparison.OrdinalIgnoreCase);

    private static string Root(string key) => key.Split(':', 2)[0];
}
