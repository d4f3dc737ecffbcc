using System.Globalization;
using CallTracker.Api.Hosting;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace CallTracker.Api.Alerts.Delivery;

/// <summary>Mails an alert through the SMTP server of <c>CallTracker:Smtp</c>, one message to all recipients.</summary>
public sealed class EmailSender(IOptions<CallTrackerOptions> options)
{
    private readonly SmtpOptions smtp = options.Value.Smtp;
    private readonly string? publicUrl = options.Value.Alerts.PublicUrl;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(smtp.Host);

    public MimeMessage Compose(AlertMessage alert, IReadOnlyList<string> recipients)
    {
        var link = AlertText.Link(alert, publicUrl);
        var message = new MimeMessage { Subject = AlertText.Subject(alert) };
        message.From.Add(MailboxAddress.Parse(smtp.From));
        message.To.AddRange(recipients.Select(MailboxAddress.Parse));

        // Lets a mail client thread the "resolved" message under the one that fired.
        message.Headers.Add("X-CallTracker-Alert", alert.AlertId.ToString(CultureInfo.InvariantCulture));

        var body = new BodyBuilder { TextBody = AlertText.Plain(alert, link), HtmlBody = AlertText.Html(alert, link) };
        message.Body = body.ToMessageBody();
        return message;
    }

    /// <summary>One attempt; <paramref name="cancellationToken"/> carries the attempt's timeout.</summary>
    public async Task SendAsync(
        AlertMessage alert, IReadOnlyList<string> recipients, CancellationToken cancellationToken)
    {
        var message = Compose(alert, recipients);

        using var client = new SmtpClient();
        var host = smtp.Host ?? throw new InvalidOperationException("SMTP is not configured");
        await client.ConnectAsync(host, smtp.Port, SocketOptions(smtp.TlsMode), cancellationToken);

        // A login only when a user is set: a relay on the same machine usually takes none.
        if (!string.IsNullOrEmpty(smtp.User))
        {
            await client.AuthenticateAsync(smtp.User, smtp.Password ?? "", cancellationToken);
        }

        await client.SendAsync(message, cancellationToken);
        await client.DisconnectAsync(quit: true, cancellationToken);
    }

    private static SecureSocketOptions SocketOptions(SmtpTlsMode mode) => mode switch
    {
        SmtpTlsMode.None => SecureSocketOptions.None,
        SmtpTlsMode.StartTls => SecureSocketOptions.StartTls,
        SmtpTlsMode.SslOnConnect => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.Auto,
    };
}
