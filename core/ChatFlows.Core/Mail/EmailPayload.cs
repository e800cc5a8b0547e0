using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using MailKit;
using MimeKit;
using MimeKit.Text;

namespace ChatFlows.Core.Mail;

/// <summary>
/// The payload a <c>trigger/email</c> run starts with: <c>{from, fromName, to, cc, subject, text, html, date,
/// messageId, attachments: [{name, contentType, size}]}</c>. <c>text</c> is the plain part, or the HTML part as text
/// when there is no plain part; <c>html</c> is null when there is none. Bodies longer than <see cref="MaxBodyChars"/>
/// are cut (and <c>truncated</c> is true).
/// </summary>
public static class EmailPayload
{
    /// <summary>Most characters of <c>text</c> and of <c>html</c>.</summary>
    public const int MaxBodyChars = 100_000;

    private static readonly string[] BlockTags = ["p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "ul", "ol", "hr"];

    /// <summary>The payload of a message that could be read.</summary>
    public static JsonElement From(MimeMessage message)
    {
        var html = message.HtmlBody;
        var text = message.TextBody ?? (html is null ? "" : HtmlToText(html));
        var attachments = message.Attachments.Select(a => new
        {
            name = a is MimePart part ? part.FileName : a.ContentDisposition?.FileName ?? (a as MessagePart)?.Message?.Subject,
            contentType = a.ContentType.MimeType,
            size = SizeOf(a),
        }).ToArray();
        var sender = message.From.Mailboxes.FirstOrDefault() ?? message.Sender;
        return Build(sender, message.To.Mailboxes, message.Cc.Mailboxes, message.Subject, text, html, message.Date, message.MessageId, attachments);
    }

    /// <summary>The payload of a message whose body could not be read: what its envelope says.</summary>
    public static JsonElement From(IMessageSummary summary)
    {
        var envelope = summary.Envelope;
        return Build(
            envelope?.From.Mailboxes.FirstOrDefault(), envelope?.To.Mailboxes ?? [], envelope?.Cc.Mailboxes ?? [], envelope?.Subject, "", null,
            envelope?.Date ?? DateTimeOffset.MinValue, envelope?.MessageId, []);
    }

    /// <summary>The sender as the <c>from</c> pattern sees it: <c>Name &lt;address&gt;</c>, and the address alone.</summary>
    public static (string Sender, string Address) Sender(JsonElement payload)
    {
        var address = payload.GetProperty("from").GetString() ?? "";
        var name = payload.GetProperty("fromName").GetString();
        return (string.IsNullOrEmpty(name) ? address : $"{name} <{address}>", address);
    }

    /// <summary>Plain text from HTML: the text of the document, a line break after each block, scripts and styles left out.</summary>
    public static string HtmlToText(string html)
    {
        var text = new StringBuilder();
        using var reader = new StringReader(html);
        var tokenizer = new HtmlTokenizer(reader);
        var skipping = 0;
        while (tokenizer.ReadNextToken(out var token))
        {
            switch (token)
            {
                case HtmlTagToken tag when tag.Id is HtmlTagId.Script or HtmlTagId.Style or HtmlTagId.Head:
                    if (!tag.IsEmptyElement) skipping += tag.IsEndTag ? -1 : 1;
                    break;
                case HtmlTagToken tag when BlockTags.Contains(tag.Name, StringComparer.OrdinalIgnoreCase):
                    if (text.Length > 0 && text[^1] != '\n') text.Append('\n');
                    break;
                case HtmlDataToken data when skipping <= 0:
                    text.Append(WebUtility.HtmlDecode(data.Data));
                    break;
            }
        }
        var lines = text.ToString().Split('\n').Select(l => string.Join(' ', l.Split((char[])[' ', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries)));
        return string.Join('\n', lines.Where(l => l.Length > 0));
    }

    private static JsonElement Build(
        MailboxAddress? sender, IEnumerable<MailboxAddress> to, IEnumerable<MailboxAddress> cc, string? subject, string text, string? html,
        DateTimeOffset date, string? messageId, object[] attachments)
    {
        var truncated = text.Length > MaxBodyChars || html?.Length > MaxBodyChars;
        return JsonSerializer.SerializeToElement(new
        {
            from = sender?.Address,
            fromName = string.IsNullOrEmpty(sender?.Name) ? null : sender.Name,
            to = to.Select(m => m.Address).ToArray(),
            cc = cc.Select(m => m.Address).ToArray(),
            subject = subject ?? "",
            text = Cut(text),
            html = html is null ? null : Cut(html),
            date = date == DateTimeOffset.MinValue ? null : date.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            messageId,
            attachments,
            truncated,
        });
    }

    private static string Cut(string text) => text.Length > MaxBodyChars ? text[..MaxBodyChars] : text;

    private static long SizeOf(MimeEntity entity)
    {
        using var counter = new MemoryStream();
        switch (entity)
        {
            case MimePart { Content: { } content }:
                content.DecodeTo(counter);
                break;
            case MessagePart { Message: { } message }:
                message.WriteTo(counter);
                break;
        }
        return counter.Length;
    }
}
