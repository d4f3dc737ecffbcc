namespace CallTracker.Api.Alerts.Delivery;

/// <summary>The SMTP server alerts are mailed through: <c>CallTracker:Smtp</c>.</summary>
public sealed class SmtpOptions
{
    /// <summary>Empty: no e-mail is sent, and an e-mail delivery fails at once with a clear error.</summary>
    public string? Host { get; set; }

    /// <summary>587, the submission port, where servers expect STARTTLS and a login.</summary>
    public int Port { get; set; } = 587;

    public SmtpTlsMode TlsMode { get; set; } = SmtpTlsMode.StartTls;

    /// <summary>Empty: no login.</summary>
    public string? User { get; set; }

    /// <summary>Never logged, never in a delivery's error.</summary>
    public string? Password { get; set; }

    /// <summary>
    /// A PEM file with the certificate (or the private CA's) that an internal SMTP server's TLS certificate
    /// chains to, when it is not one the machine trusts. Empty: only the machine's trusted roots. The host
    /// name is checked either way; there is no setting that turns checking off.
    /// </summary>
    public string? TrustedCertificate { get; set; }

    /// <summary>The sender, <c>CallTracker &lt;alerts@example.com&gt;</c> or a bare address.</summary>
    public string From { get; set; } = "CallTracker <calltracker@localhost>";
}

public enum SmtpTlsMode
{
    /// <summary>Plain text, even when the server offers STARTTLS: only for a relay on the same machine.</summary>
    None,

    /// <summary>STARTTLS required (port 587); a server that does not offer it fails the delivery.</summary>
    StartTls,

    /// <summary>TLS from the first byte (port 465).</summary>
    SslOnConnect,

    /// <summary>TLS on connect for port 465, else STARTTLS when offered, else plain text.</summary>
    Auto,
}

/// <summary>How alerts are delivered: <c>CallTracker:Alerts</c>.</summary>
public sealed class AlertsOptions
{
    /// <summary>Where people open CallTracker (https://calltracker.example.com), for links in alerts.</summary>
    public string? PublicUrl { get; set; }

    /// <summary>Attempts per delivery, the first included, before it is marked failed.</summary>
    public int DeliveryAttempts { get; set; } = 5;

    /// <summary>Wait before the second attempt; it doubles after each (5, 10, 20, 40 s: 75 s in all).</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long one attempt may take, connect to answer. Bounds a server that accepts the connection and
    /// then says nothing, which would otherwise hold the attempt for as long as TCP keeps the socket.
    /// </summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Deliveries waiting to start; past it an alert's delivery is dropped (logged and counted).</summary>
    public int QueueCapacity { get; set; } = 1_000;

    /// <summary>Attempts in progress at once: a few slow servers cannot hold up every other delivery.</summary>
    public int MaxConcurrentAttempts { get; set; } = 8;

    /// <summary>
    /// How often the windowed rules are evaluated: a burst is seen within this much of its last event. Fifteen
    /// seconds against windows of minutes; each round reads minute counters, never events.
    /// </summary>
    public TimeSpan EvaluationInterval { get; set; } = TimeSpan.FromSeconds(15);
}
