using System.Globalization;
using ChatFlows.Core.Connections;
using MailKit.Security;

namespace ChatFlows.Core.Mail;

/// <summary>
/// Where and how to reach the servers of a mail connection (README §Connections): <c>ImapHost</c>, <c>ImapPort</c>,
/// <c>SmtpHost</c>, <c>SmtpPort</c>, <c>UserName</c>, <c>Password</c>, <c>Security</c> (none, ssl, starttls or auto;
/// auto by default) and <c>From</c> (the sender address; the user name by default).
/// </summary>
public sealed record MailServer(string ConnectionName, string? UserName, string? Password, SecureSocketOptions Security, string? From)
{
    /// <summary>The <c>Security</c> values, for messages.</summary>
    public const string SecurityValues = "none, ssl, starttls or auto";

    /// <summary>The IMAP host, or null when the connection has none.</summary>
    public string? ImapHost { get; init; }

    /// <summary>The IMAP port: <c>ImapPort</c>, else 993 with ssl and 143 otherwise.</summary>
    public int ImapPort { get; init; }

    /// <summary>The SMTP host, or null when the connection has none.</summary>
    public string? SmtpHost { get; init; }

    /// <summary>The SMTP port: <c>SmtpPort</c>, else 465 with ssl and 587 otherwise.</summary>
    public int SmtpPort { get; init; }

    /// <summary>The address mail is sent from: <c>From</c>, else the user name.</summary>
    public string? Sender => From ?? UserName;

    /// <summary>Reads a mail connection's settings.</summary>
    /// <exception cref="InvalidOperationException">A setting has a value it cannot have; the message names it.</exception>
    public static MailServer Of(Connection connection)
    {
        var security = (connection.Setting("Security") ?? "auto").Trim().ToLowerInvariant() switch
        {
            "none" => SecureSocketOptions.None,
            "ssl" => SecureSocketOptions.SslOnConnect,
            "starttls" => SecureSocketOptions.StartTls,
            "auto" => SecureSocketOptions.Auto,
            var other => throw new InvalidOperationException($"Connection '{connection.Name}': Security '{other}' is not one of {SecurityValues}."),
        };
        var ssl = security == SecureSocketOptions.SslOnConnect;
        return new MailServer(connection.Name, connection.Setting("UserName"), connection.Setting("Password"), security, connection.Setting("From"))
        {
            ImapHost = connection.Setting("ImapHost"),
            ImapPort = Port(connection, "ImapPort", ssl ? 993 : 143),
            SmtpHost = connection.Setting("SmtpHost"),
            SmtpPort = Port(connection, "SmtpPort", ssl ? 465 : 587),
        };
    }

    /// <summary>The IMAP server as <c>host:port</c>, for messages.</summary>
    public string ImapAddress => $"{ImapHost}:{ImapPort}";

    /// <summary>The SMTP server as <c>host:port</c>, for messages.</summary>
    public string SmtpAddress => $"{SmtpHost}:{SmtpPort}";

    private static int Port(Connection connection, string key, int fallback)
    {
        if (connection.Setting(key) is not { } text) return fallback;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536) return port;
        throw new InvalidOperationException($"Connection '{connection.Name}': {key} '{text}' is not a port number (1 to 65535).");
    }
}
