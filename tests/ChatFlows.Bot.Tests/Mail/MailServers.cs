using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Smtp;
using MailKit.Search;
using MailKit.Security;
using MimeKit;

namespace ChatFlows.Bot.Tests.Mail;

/// <summary>
/// A private Dovecot (IMAP, and LMTP for delivery) and a private Postfix (SMTP, delivering into Dovecot over LMTP)
/// on free loopback ports, configured in a temporary folder and stopped when the tests are done; the system's own
/// services are never touched. Every address <c>@example.test</c> has a mailbox, and every user logs in with
/// <see cref="Password"/>. Mail to other domains is refused (relay access denied). ./test.sh installs the Debian
/// packages (dovecot-imapd, dovecot-lmtpd, postfix) when they are missing.
/// </summary>
public sealed class MailServers : IAsyncLifetime
{
    /// <summary>The password of every mailbox; the tests look for it where it must never appear.</summary>
    public const string Password = "Dovecot-Pass-5e1f7a";

    /// <summary>The domain whose addresses have mailboxes.</summary>
    public const string Domain = "example.test";

    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(30);
    private readonly string _folder = Directory.CreateTempSubdirectory("chatflows-mail-").FullName;

    public int ImapPort { get; private set; }

    public int SmtpPort { get; private set; }

    private int LmtpPort { get; set; }

    private string DovecotConfig => Path.Combine(_folder, "dovecot.conf");

    private string PostfixConfig => Path.Combine(_folder, "postfix");

    public async Task InitializeAsync()
    {
        Require("/usr/sbin/dovecot", "dovecot-imapd dovecot-lmtpd");
        Require("/usr/lib/dovecot/lmtp", "dovecot-lmtpd");
        Require("/usr/sbin/postfix", "postfix");
        // Dovecot and Postfix drop root for unprivileged users (nobody, postfix) who must reach these folders.
        Open(_folder, (UnixFileMode)0b111_101_101);
        ImapPort = FreePort();
        LmtpPort = FreePort();
        SmtpPort = FreePort();
        await StartDovecotAsync();
        await StartPostfixAsync();
    }

    public async Task DisposeAsync()
    {
        await RunAsync("postfix", ["-c", PostfixConfig, "stop"], check: false);
        await RunAsync("dovecot", ["-c", DovecotConfig, "stop"], check: false);
        TestFolder.Delete(_folder);
    }

    /// <summary>A fresh mailbox address, so that tests sharing the servers do not see each other's mail.</summary>
    public static string NewAddress(string name) => $"{name}-{Guid.NewGuid().ToString("N")[..8]}@{Domain}";

    /// <summary>Settings for a mail connection <paramref name="name"/> logging in as <paramref name="address"/>, for any workflow.</summary>
    public Dictionary<string, string> ConnectionSettings(string name, string address) => new()
    {
        [$"ChatFlows:Connections:{name}:Type"] = "mail",
        [$"ChatFlows:Connections:{name}:Workflows"] = "*",
        [$"ChatFlows:Connections:{name}:ImapHost"] = "127.0.0.1",
        [$"ChatFlows:Connections:{name}:ImapPort"] = ImapPort.ToString(CultureInfo.InvariantCulture),
        [$"ChatFlows:Connections:{name}:SmtpHost"] = "127.0.0.1",
        [$"ChatFlows:Connections:{name}:SmtpPort"] = SmtpPort.ToString(CultureInfo.InvariantCulture),
        [$"ChatFlows:Connections:{name}:UserName"] = address,
        [$"ChatFlows:Connections:{name}:Password"] = Password,
        [$"ChatFlows:Connections:{name}:Security"] = "none",
    };

    /// <summary>Delivers <paramref name="message"/> through Postfix (SMTP) into the recipients' mailboxes.</summary>
    public async Task DeliverAsync(MimeMessage message)
    {
        using var smtp = new SmtpClient();
        await smtp.ConnectAsync("127.0.0.1", SmtpPort, SecureSocketOptions.None);
        await smtp.SendAsync(message);
        await smtp.DisconnectAsync(true);
    }

    /// <summary>A plain message from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public static MimeMessage Message(string from, string to, string subject, string text)
    {
        var message = new MimeMessage { Subject = subject };
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(to));
        message.Body = new TextPart("plain") { Text = text };
        return message;
    }

    /// <summary>Waits until <paramref name="address"/>'s inbox holds <paramref name="count"/> messages and returns them, oldest first.</summary>
    public async Task<IReadOnlyList<MimeMessage>> WaitForMessagesAsync(string address, int count = 1, TimeSpan? patience = null)
    {
        using var deadline = new CancellationTokenSource(patience ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var messages = await ReadInboxAsync(address);
            if (messages.Count >= count) return messages;
            if (deadline.IsCancellationRequested) Assert.Fail($"{address} holds {messages.Count} message(s), not {count}. Postfix log:\n{PostfixLog()}");
            await Task.Delay(100, CancellationToken.None);
        }
    }

    /// <summary>Every message in <paramref name="address"/>'s inbox, read over IMAP.</summary>
    public async Task<IReadOnlyList<MimeMessage>> ReadInboxAsync(string address)
    {
        using var imap = new ImapClient();
        await imap.ConnectAsync("127.0.0.1", ImapPort, SecureSocketOptions.None);
        await imap.AuthenticateAsync(address, Password);
        await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
        var messages = new List<MimeMessage>();
        foreach (var uid in await imap.Inbox.SearchAsync(SearchQuery.All)) messages.Add(await imap.Inbox.GetMessageAsync(uid));
        await imap.DisconnectAsync(true);
        return messages;
    }

    /// <summary>What Postfix logged, for failure messages.</summary>
    public string PostfixLog() => File.Exists(Path.Combine(_folder, "postfix.log")) ? File.ReadAllText(Path.Combine(_folder, "postfix.log")) : "(no log)";

    private async Task StartDovecotAsync()
    {
        var mail = Directory.CreateDirectory(Path.Combine(_folder, "mail")).FullName;
        Open(mail, (UnixFileMode)0b111_111_111);
        Directory.CreateDirectory(Path.Combine(_folder, "dovecot"));
        await File.WriteAllTextAsync(DovecotConfig, $$"""
            instance_name = {{Path.GetFileName(_folder)}}
            base_dir = {{_folder}}/dovecot
            state_dir = {{_folder}}/dovecot/state
            log_path = {{_folder}}/dovecot.log
            protocols = imap lmtp
            listen = 127.0.0.1
            ssl = no
            disable_plaintext_auth = no
            auth_mechanisms = plain login
            mail_location = maildir:{{mail}}/%u
            default_internal_user = nobody
            default_internal_group = nogroup
            default_login_user = nobody
            first_valid_uid = 1
            hostname = localhost
            passdb {
              driver = static
              args = password={{Password}}
            }
            userdb {
              driver = static
              args = uid=nobody gid=nogroup home={{mail}}/%u allow_all_users=yes
            }
            service imap-login {
              inet_listener imap {
                port = {{ImapPort}}
              }
              inet_listener imaps {
                port = 0
              }
            }
            service lmtp {
              inet_listener lmtp {
                address = 127.0.0.1
                port = {{LmtpPort}}
              }
            }
            """);
        await RunAsync("dovecot", ["-c", DovecotConfig]);
        await WaitForPortAsync(ImapPort, "Dovecot (IMAP)", Path.Combine(_folder, "dovecot.log"));
    }

    private async Task StartPostfixAsync()
    {
        Directory.CreateDirectory(PostfixConfig);
        Directory.CreateDirectory(Path.Combine(_folder, "queue"));
        var data = Directory.CreateDirectory(Path.Combine(_folder, "data")).FullName;
        await RunAsync("chown", ["postfix", data]);
        await File.WriteAllTextAsync(Path.Combine(PostfixConfig, "main.cf"), $"""
            compatibility_level = 3.6
            queue_directory = {_folder}/queue
            data_directory = {data}
            mail_owner = postfix
            setgid_group = postdrop
            myhostname = localhost
            mydestination =
            inet_interfaces = 127.0.0.1
            inet_protocols = ipv4
            mynetworks = 127.0.0.0/8
            virtual_mailbox_domains = {Domain}
            virtual_transport = lmtp:inet:127.0.0.1:{LmtpPort}
            smtpd_relay_restrictions = reject_unauth_destination
            maillog_file_prefixes = {_folder}
            maillog_file = {_folder}/postfix.log
            smtputf8_enable = no
            biff = no
            alias_maps =
            alias_database =
            """);
        await File.WriteAllTextAsync(Path.Combine(PostfixConfig, "master.cf"), $"""
            127.0.0.1:{SmtpPort} inet n - n - - smtpd
            pickup    unix  n - n 60 1 pickup
            cleanup   unix  n - n - 0 cleanup
            qmgr      unix  n - n 300 1 qmgr
            rewrite   unix  - - n - - trivial-rewrite
            bounce    unix  - - n - 0 bounce
            defer     unix  - - n - 0 bounce
            trace     unix  - - n - 0 bounce
            verify    unix  - - n - 1 verify
            flush     unix  n - n 1000? 0 flush
            proxymap  unix  - - n - - proxymap
            smtp      unix  - - n - - smtp
            relay     unix  - - n - - smtp
            showq     unix  n - n - - showq
            error     unix  - - n - - error
            retry     unix  - - n - - error
            discard   unix  - - n - - discard
            lmtp      unix  - - n - - lmtp
            anvil     unix  - - n - 1 anvil
            scache    unix  - - n - 1 scache
            postlog   unix-dgram n - n - 1 postlogd
            """);
        await RunAsync("postfix", ["-c", PostfixConfig, "start"]);
        await WaitForPortAsync(SmtpPort, "Postfix (SMTP)", Path.Combine(_folder, "postfix.log"));
    }

    private static void Require(string path, string packages)
    {
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"The mail tests need {path}: run ./test.sh (it installs {packages}), or apt-get install {packages}.");
        }
    }

    private static void Open(string path, UnixFileMode mode)
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("The mail tests run Dovecot and Postfix, which need Linux.");
        File.SetUnixFileMode(path, mode);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task WaitForPortAsync(int port, string server, string log)
    {
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (stopwatch.Elapsed < StartDeadline)
            {
                await Task.Delay(100);
            }
            catch (SocketException)
            {
                throw new InvalidOperationException($"{server} did not listen on 127.0.0.1:{port} within {StartDeadline.TotalSeconds:0} s. Its log:\n{(File.Exists(log) ? File.ReadAllText(log) : "(none)")}");
            }
        }
    }

    private static async Task RunAsync(string command, string[] arguments, bool check = true)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{command} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (check && process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{command} {string.Join(' ', arguments)} failed with exit code {process.ExitCode}: {await output}{await errors}");
        }
    }
}

/// <summary>Tests that share one pair of mail servers (<see cref="MailServers"/>); they run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class MailCollection : ICollectionFixture<MailServers>
{
    public const string Name = "mail";
}
