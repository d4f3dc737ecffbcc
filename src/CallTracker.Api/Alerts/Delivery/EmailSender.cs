using System.Globalization;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
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
    private readonly X509Certificate2Collection? trusted = TrustedRoots(options.Value.Smtp.TrustedCertificate);

    public bool IsConfigured => !string.IsNullOrWhiteSpace(smtp.Host);

    public MimeMessage Compose(AlertMessage alert, IReadOnlyList<string> recipients)
    {
        var link = AlertText.Link(alert, publicUrl);
        var message = new MimeMessage { Subject = AlertText.Subject(alert) };
        message.From.Add(MailboxAddress.Parse(smtp.From));
        message.To.AddRange(recipients.Select(MailboxAddress.Parse));

        // Lets a mail filter or a script find the alert in the history (GET .../alerts) without parsing the text.
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
        if (trusted is not null)
        {
            client.ServerCertificateValidationCallback = (_, certificate, _, errors) =>
                IsTrusted(certificate, errors, trusted);
        }

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

    /// <summary>
    /// A certificate the machine's roots accept, or one that chains to a configured root; the host name must
    /// match in both cases (MailKit reports a mismatch as RemoteCertificateNameMismatch).
    /// </summary>
    private static bool IsTrusted(
        X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2Collection roots)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (certificate is null || errors != SslPolicyErrors.RemoteCertificateChainErrors)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var server = new X509Certificate2(certificate);
        return chain.Build(server);
    }

    /// <summary>The configured PEM's certificates, read once at start: a missing file stops the start.</summary>
    private static X509Certificate2Collection? TrustedRoots(string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return null;
        }

        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(path);
        return roots.Count > 0 ? roots
            : throw new InvalidOperationException($"CallTracker:Smtp:TrustedCertificate {path} holds no certificate.");
    }

    private static SecureSocketOptions SocketOptions(SmtpTlsMode mode) => mode switch
    {
        SmtpTlsMode.None => SecureSocketOptions.None,
        SmtpTlsMode.StartTls => SecureSocketOptions.StartTls,
        SmtpTlsMode.SslOnConnect => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.Auto,
    };
}
