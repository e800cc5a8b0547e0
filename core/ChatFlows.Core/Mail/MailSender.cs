using System.Net.Sockets;
using System.Text.Json;
using ChatFlows.Core.Nodes;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Markdig;
using MimeKit;

namespace ChatFlows.Core.Mail;

/// <summary>
/// Sends mail for <c>output/email</c> and the <c>send_email</c> agent tool: the text is Markdown, sent as
/// text/plain (the Markdown itself) beside text/html (rendered by Markdig). A message is sent at most once per run
/// and node as far as the journal can tell (docs/semantics.md, side effects): its Message-ID is recorded before
/// sending, and "sent" after; a re-execution that finds only the Message-ID sends again with the same one, so that a
/// receiver can recognise the repeat.
/// </summary>
public static class MailSender
{
    private static readonly MarkdownPipeline Markdown = new MarkdownPipelineBuilder().UseAdvancedExtensions().DisableHtml().Build();
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>The addresses in <paramref name="text"/> (comma- or semicolon-separated); empty for blank text.</summary>
    /// <exception cref="FormatException">An address cannot be read; the message names <paramref name="field"/>.</exception>
    public static InternetAddressList Addresses(string? text, string field)
    {
        if (string.IsNullOrWhiteSpace(text)) return [];
        if (!InternetAddressList.TryParse(text.Replace(';', ','), out var list) || list.Mailboxes.Any(m => !m.Address.Contains('@', StringComparison.Ordinal)))
        {
            throw new FormatException($"{field}: '{Shorten(text)}' is not a list of e-mail addresses (write them like a@example.com, B <b@example.com>).");
        }
        return list;
    }

    /// <summary>
    /// Sends a message once for this node (or, with <paramref name="key"/>, once per key on it) and returns
    /// <c>{messageId, to, cc, subject}</c>; a message already sent returns what was recorded then.
    /// </summary>
    /// <exception cref="InvalidOperationException">The server could not be reached or refused the message; the message says which and why.</exception>
    public static async Task<JsonElement> SendOnceAsync(
        NodeEffects effects, string? key, string messageId, MailServer server, InternetAddressList to, InternetAddressList cc, string subject, string markdown, CancellationToken ct)
    {
        var prefix = key is null ? "" : key + ":";
        if (await effects.FindAsync(prefix + "sent", ct) is { } sent) return sent;
        if (await effects.FindAsync(prefix + "message-id", ct) is { ValueKind: JsonValueKind.String } recorded)
        {
            messageId = recorded.GetString()!;
        }
        else
        {
            await effects.RecordAsync(prefix + "message-id", JsonSerializer.SerializeToElement(messageId), ct);
        }

        var message = Compose(server, to, cc, subject, markdown, messageId);
        await SendAsync(server, message, ct);
        var output = JsonSerializer.SerializeToElement(new
        {
            messageId,
            to = to.Mailboxes.Select(m => m.Address).ToArray(),
            cc = cc.Mailboxes.Select(m => m.Address).ToArray(),
            subject,
        });
        await effects.RecordAsync(prefix + "sent", output, ct);
        return output;
    }

    /// <summary>The message: From the connection's sender, text/plain (the Markdown) and text/html (rendered).</summary>
    public static MimeMessage Compose(MailServer server, InternetAddressList to, InternetAddressList cc, string subject, string markdown, string messageId)
    {
        if (server.Sender is not { } sender || !MailboxAddress.TryParse(sender, out var from))
        {
            throw new InvalidOperationException($"Connection '{server.ConnectionName}' has no sender address; set its From (or UserName) to an e-mail address.");
        }
        if (to.Count == 0) throw new InvalidOperationException("The message has no recipient; give at least one address in to.");
        var message = new MimeMessage { Subject = subject, MessageId = messageId };
        message.From.Add(from);
        message.To.AddRange(to);
        message.Cc.AddRange(cc);
        var body = new BodyBuilder { TextBody = markdown, HtmlBody = Markdig.Markdown.ToHtml(markdown, Markdown) };
        message.Body = body.ToMessageBody();
        return message;
    }

    /// <summary>Sends <paramref name="message"/> through the connection's SMTP server.</summary>
    /// <exception cref="InvalidOperationException">The server could not be reached or refused it; the message names the server and its reply.</exception>
    public static async Task SendAsync(MailServer server, MimeMessage message, CancellationToken ct)
    {
        if (server.SmtpHost is null) throw new InvalidOperationException($"Connection '{server.ConnectionName}' has no SmtpHost; set it to the SMTP server's host name.");
        using var client = new SmtpClient { Timeout = (int)Timeout.TotalMilliseconds };
        try
        {
            await client.ConnectAsync(server.SmtpHost, server.SmtpPort, server.Security, ct);
            if (server.UserName is not null && client.Capabilities.HasFlag(SmtpCapabilities.Authentication))
            {
                await client.AuthenticateAsync(server.UserName, server.Password ?? "", ct);
            }
            await client.SendAsync(message, ct);
            await client.DisconnectAsync(quit: true, ct);
        }
        catch (SmtpCommandException ex)
        {
            var what = ex.ErrorCode switch
            {
                SmtpErrorCode.RecipientNotAccepted => $"rejected the recipient {ex.Mailbox}",
                SmtpErrorCode.SenderNotAccepted => $"rejected the sender {ex.Mailbox}; check the connection's From",
                _ => "refused the message",
            };
            throw new InvalidOperationException($"The SMTP server {server.SmtpAddress} {what}: {(int)ex.StatusCode} {ex.Message.Trim()}", ex);
        }
        catch (AuthenticationException ex)
        {
            throw new InvalidOperationException($"The SMTP server {server.SmtpAddress} refused the user name and password of connection '{server.ConnectionName}'; check UserName and Password.", ex);
        }
        catch (Exception ex) when (ex is SocketException or IOException or SslHandshakeException or SmtpProtocolException or TimeoutException)
        {
            throw new InvalidOperationException(
                $"Could not send through the SMTP server {server.SmtpAddress} of connection '{server.ConnectionName}': {ex.Message} Check SmtpHost, SmtpPort and Security.", ex);
        }
    }

    private static string Shorten(string text) => text.Length > 100 ? text[..100] + "…" : text;
}
