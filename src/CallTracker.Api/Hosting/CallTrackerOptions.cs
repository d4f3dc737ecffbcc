using CallTracker.Api.Alerts.Delivery;

namespace CallTracker.Api.Hosting;

/// <summary>Everything under the <c>CallTracker</c> configuration section.</summary>
public sealed class CallTrackerOptions
{
    public const string Section = "CallTracker";

    public IngestionOptions Ingestion { get; set; } = new();

    public CorsOptions Cors { get; set; } = new();

    public BootstrapOptions Bootstrap { get; set; } = new();

    public DatabaseOptions Database { get; set; } = new();

    public LocalDatabaseOptions LocalDatabase { get; set; } = new();

    public SwaggerOptions Swagger { get; set; } = new();

    public PhoneOptions Phone { get; set; } = new();

    public SentryIngestionOptions Sentry { get; set; } = new();

    public LimitsOptions Limits { get; set; } = new();

    public RetentionOptions Retention { get; set; } = new();

    public SmtpOptions Smtp { get; set; } = new();

    public AlertsOptions Alerts { get; set; } = new();
}

/// <summary>How long what is stored is kept; see <see cref="Hosting.RetentionSweeper"/>.</summary>
public sealed class RetentionOptions
{
    /// <summary>
    /// Days a failed call or error event is kept (by when it happened); 0 keeps them for ever. 90, Sentry's
    /// own default: events hold customers' numbers, and a quarter covers every report a manager looks back on.
    /// </summary>
    public int EventDays { get; set; } = 90;

    /// <summary>
    /// Days the hourly and daily counts (and issues last seen) are kept, whole UTC days; 0 keeps them for
    /// ever. Longer than the events: they hold no personal data and make the year-on-year reports.
    /// </summary>
    public int RollupDays { get; set; } = 730;

    /// <summary>Rows deleted per transaction: small enough that no lock is held for long.</summary>
    public int BatchSize { get; set; } = 5_000;

    /// <summary>Time between two sweeps; the first runs one interval after the start, not during it.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>How much a project may send; a project's own settings replace these.</summary>
public sealed class LimitsOptions
{
    /// <summary>
    /// Events one ingest key may send per minute (a burst of that many, then that many per minute); 0 means
    /// no limit. 6,000 is a hundred a second, far above a call centre's failures, far below a runaway loop.
    /// </summary>
    public int EventsPerMinutePerKey { get; set; } = 6_000;

    /// <summary>Events a project may store per calendar month (UTC); 0 means no quota.</summary>
    public long MonthlyEventQuota { get; set; }
}

/// <summary>Limits of the Sentry-compatible endpoints, Sentry's own by default.</summary>
public sealed class SentryIngestionOptions
{
    /// <summary>Largest event item (or store body), decompressed.</summary>
    public int MaxEventBytes { get; set; } = 1024 * 1024;

    /// <summary>Largest envelope as sent, compressed or not.</summary>
    public long MaxEnvelopeBytes { get; set; } = 20 * 1024 * 1024;

    /// <summary>Largest envelope once decompressed; checked while decompressing.</summary>
    public long MaxDecompressedEnvelopeBytes { get; set; } = 100 * 1024 * 1024;
}

public sealed class PhoneOptions
{
    /// <summary>
    /// ISO 3166 region for numbers dialled without a country code; VN, since the first users are
    /// Vietnamese call centres.
    /// </summary>
    public string DefaultRegion { get; set; } = "VN";

    /// <summary>
    /// Show phone numbers in full in event and issue output. Off by default: numbers are masked
    /// (<c>+84 90 *** **01</c>), in headers and raw responses too. API token scopes replace this later.
    /// </summary>
    public bool ShowInFull { get; set; }

    /// <summary>
    /// How numbers are stored: <c>Clear</c> (as dialled, masked in output), or <c>Hmac</c>: replaced by an
    /// HMAC-SHA256 token under <see cref="HmacKey"/> before they reach the database, in the number's columns,
    /// headers, raw message, tags and extra data alike.
    /// </summary>
    public PhoneStorage Storage { get; set; } = PhoneStorage.Clear;

    /// <summary>The installation's secret for <see cref="PhoneStorage.Hmac"/>: at least 32 characters.</summary>
    public string? HmacKey { get; set; }
}

public enum PhoneStorage
{
    Clear,
    Hmac,
}

public sealed class IngestionOptions
{
    /// <summary>Largest request body accepted by <c>POST /api/v1/events</c>; larger ones get 413.</summary>
    public long MaxBodyBytes { get; set; } = 2 * 1024 * 1024;

    public int MaxEventsPerRequest { get; set; } = 1000;

    /// <summary>
    /// Events that may wait for a commit at once; a request that would go past it gets 503 with Retry-After.
    /// About 20,000 events is a few seconds of a busy service's writes and a few tens of megabytes.
    /// </summary>
    public int QueueCapacity { get; set; } = 20_000;

    /// <summary>Most events committed in one batch (one transaction).</summary>
    public int MaxBatchEvents { get; set; } = 500;

    /// <summary>
    /// Batches that may be written at once, each on its own connection: while one waits for its commit to
    /// reach the disk, the next is already inserting. Two keep a small machine's database busy.
    /// </summary>
    public int Writers { get; set; } = 2;

    /// <summary>How long a batch that is not full waits for more events before it commits.</summary>
    public TimeSpan BatchLinger { get; set; } = TimeSpan.FromMilliseconds(2);

    /// <summary>
    /// How long a request waits for the commit of its events before it is answered 503 with Retry-After. A
    /// database that is down refuses at once; this bounds the wait on one that hangs (a lost network, a
    /// stalled machine), where a connect or a statement would otherwise wait for Npgsql's timeouts of 15 and
    /// 30 seconds. A busy service commits in tens of milliseconds, so five seconds is never a slow commit.
    /// </summary>
    public TimeSpan CommitTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How far ahead of the server's clock an <c>occurredAt</c> may be before it is replaced.</summary>
    public TimeSpan MaxFutureSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How old an <c>occurredAt</c> may be before it is replaced by the time received.</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromDays(30);
}

public sealed class CorsOptions
{
    /// <summary>Origins allowed to post events from a browser; empty means any origin.</summary>
    public string[] AllowedOrigins { get; set; } = [];
}

public sealed class BootstrapOptions
{
    public string ProjectName { get; set; } = "Default";

    /// <summary>32 lowercase hex digits; generated and printed once when not set.</summary>
    public string? IngestKey { get; set; }

    /// <summary>Generated and printed once when not set.</summary>
    public string? ApiToken { get; set; }
}

public sealed class DatabaseOptions
{
    public bool MigrateOnStartup { get; set; } = true;

    /// <summary>How long start-up waits for PostgreSQL to accept connections (it may start after us).</summary>
    public TimeSpan StartupWait { get; set; } = TimeSpan.FromSeconds(60);
}

public sealed class LocalDatabaseOptions
{
    /// <summary>Folder of the private PostgreSQL server used when no connection string is set.</summary>
    public string? Directory { get; set; }
}

public sealed class SwaggerOptions
{
    public bool Enabled { get; set; } = true;
}
