namespace ChatFlows.Core.Mail;

/// <summary>Settings of the mail watcher behind <c>trigger/email</c> (<c>ChatFlows:Mail</c>).</summary>
public sealed class MailOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "ChatFlows:Mail";

    /// <summary>How often a folder is checked for new mail on a server without IMAP IDLE.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often the saved workflows are read again for their email triggers (edits made here apply at once).</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The longest wait before connecting again after a failure; waits double from one second up to this.</summary>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromMinutes(5);
}
