using System.Collections.Concurrent;
using System.Threading.Channels;
using CallTracker.Api.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CallTracker.Api.Alerts.Delivery;

/// <summary>Who an alert goes to: set by the rule's actions.</summary>
public sealed record AlertRecipients(IReadOnlyList<string> Emails, IReadOnlyList<AlertWebhook> Webhooks);

public enum DeliveryStatus
{
    /// <summary>An attempt failed and another is due.</summary>
    Pending,

    Sent,

    /// <summary>Every attempt failed, or the delivery could not be tried at all (Attempts is then 0).</summary>
    Failed,
}

/// <summary>Where one delivery stands, after each of its attempts.</summary>
/// <param name="DeliveryId">The same in every report of one delivery: the history's key for it.</param>
/// <param name="Target">The recipients of an e-mail, or a webhook's scheme, host and port only: a webhook's
/// path and query may be its secret (Slack's are).</param>
/// <param name="LastError">Why the last attempt failed, without passwords, secrets or webhook paths.</param>
public sealed record DeliveryReport(
    Guid DeliveryId, long AlertId, long RuleId, int ProjectId, string Channel, string Target, DeliveryStatus Status,
    int Attempts, string? LastError, DateTimeOffset At);

/// <summary>
/// The seam to the alert history: called after each attempt of each delivery. The default does nothing; the
/// history store registers its own (a singleton, replacing the default). It runs on the delivery's task, so a
/// slow one delays only that delivery's next attempt; what it throws is logged and does not stop the delivery.
/// </summary>
public delegate Task DeliveryReporter(DeliveryReport report, CancellationToken cancellationToken);

/// <summary>
/// Sends alerts in the background: each e-mail (one per alert, to all its recipients) and each webhook is a
/// delivery of its own, tried up to DeliveryAttempts times with a doubling wait between attempts.
/// </summary>
/// <remarks>
/// <see cref="Enqueue"/> never waits: the rule evaluator calls it on the ingest path, and a full queue drops the
/// delivery (a warning and <c>calltracker_alert_deliveries_total{result="dropped"}</c>) rather than hold a
/// request. Each delivery runs on its own task, so a server that hangs holds only its own delivery, for at most
/// AttemptTimeout per attempt; MaxConcurrentAttempts bounds the connections open at once. Waits between attempts
/// hold no slot. On shutdown, deliveries still queued or waiting are abandoned: their last report stays pending,
/// and the evaluator queues them again at the next start (AlertEvaluator.ResendPendingAsync).
/// </remarks>
public sealed class AlertDelivery : BackgroundService
{
    public const string Email = "email";
    public const string Webhook = "webhook";

    private readonly Channel<Delivery> queue;
    private readonly SemaphoreSlim attemptSlots;
    private readonly SemaphoreSlim inFlight;
    private readonly ConcurrentDictionary<Guid, Task> running = new();
    private readonly AlertsOptions options;
    private readonly string? smtpPassword;
    private readonly EmailSender email;
    private readonly WebhookSender webhooks;
    private readonly DeliveryReporter report;
    private readonly ServiceMetrics metrics;
    private readonly TimeProvider time;
    private readonly ILogger<AlertDelivery> logger;

    public AlertDelivery(
        IOptions<CallTrackerOptions> options, EmailSender email, WebhookSender webhooks, DeliveryReporter report,
        ServiceMetrics metrics, TimeProvider time, ILogger<AlertDelivery> logger)
    {
        this.options = options.Value.Alerts;
        smtpPassword = options.Value.Smtp.Password;
        this.email = email;
        this.webhooks = webhooks;
        this.report = report;
        this.metrics = metrics;
        this.time = time;
        this.logger = logger;

        var capacity = Math.Max(1, this.options.QueueCapacity);
        queue = Channel.CreateBounded<Delivery>(new BoundedChannelOptions(capacity) { SingleReader = true });
        inFlight = new SemaphoreSlim(capacity);
        attemptSlots = new SemaphoreSlim(Math.Max(1, this.options.MaxConcurrentAttempts));
    }

    /// <summary>
    /// Queues one delivery per channel of <paramref name="recipients"/> and returns at once. False when the queue
    /// was full for any of them: those were dropped, and logged.
    /// </summary>
    public bool Enqueue(AlertMessage alert, AlertRecipients recipients)
    {
        var deliveries = new List<Delivery>();
        if (recipients.Emails.Count > 0)
        {
            var emails = recipients.Emails.ToArray();
            deliveries.Add(new Delivery(
                Guid.NewGuid(), alert, Email, string.Join(", ", emails),
                token => email.SendAsync(alert, emails, token), Secrets: [smtpPassword],
                Refusal: email.IsConfigured ? null : "SMTP is not configured (CallTracker:Smtp:Host)"));
        }

        foreach (var webhook in recipients.Webhooks)
        {
            deliveries.Add(new Delivery(
                Guid.NewGuid(), alert, Webhook, webhook.Url.GetLeftPart(UriPartial.Authority),
                token => webhooks.SendAsync(alert, webhook, token),
                Secrets: [webhook.Secret, webhook.Url.PathAndQuery.Length > 1 ? webhook.Url.PathAndQuery : null],
                Refusal: null));
        }

        var queuedAll = true;
        foreach (var delivery in deliveries)
        {
            if (!queue.Writer.TryWrite(delivery))
            {
                queuedAll = false;
                metrics.AlertDelivery(delivery.Channel, "dropped");
                logger.LogWarning(
                    "Alert delivery dropped, the queue is full: rule {RuleId}, alert {AlertId}, {Channel} to {Target}",
                    alert.RuleId, alert.AlertId, delivery.Channel, delivery.Logged);

                // On the pool, so the history's store (a database write) never runs on the caller's thread.
                const string Dropped = "Dropped: the delivery queue was full";
                _ = Task.Run(() => Report(delivery, DeliveryStatus.Failed, 0, Dropped, CancellationToken.None));
            }
        }

        return queuedAll;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await queue.Reader.WaitToReadAsync(stoppingToken))
            {
                // Bounds the deliveries between attempts as the channel bounds those not started.
                await inFlight.WaitAsync(stoppingToken);
                if (!queue.Reader.TryRead(out var delivery))
                {
                    inFlight.Release();
                    continue;
                }

                // Recorded before it starts: a delivery that ends at once removes itself from what is running.
                var start = new Task<Task>(() => RunAsync(delivery, stoppingToken));
                running[delivery.Id] = start.Unwrap();
                start.Start(TaskScheduler.Default);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        await Task.WhenAll(running.Values);
    }

    private async Task RunAsync(Delivery delivery, CancellationToken stoppingToken)
    {
        try
        {
            if (delivery.Refusal is not null)
            {
                await Finish(delivery, DeliveryStatus.Failed, 0, delivery.Refusal, stoppingToken);
                return;
            }

            await AttemptAllAsync(delivery, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            logger.LogInformation(
                "Alert delivery abandoned at shutdown: rule {RuleId}, alert {AlertId}, {Channel} to {Target}",
                delivery.Alert.RuleId, delivery.Alert.AlertId, delivery.Channel, delivery.Logged);
        }
        finally
        {
            running.TryRemove(delivery.Id, out _);
            inFlight.Release();
        }
    }

    private async Task AttemptAllAsync(Delivery delivery, CancellationToken stoppingToken)
    {
        var attempts = Math.Max(1, options.DeliveryAttempts);
        for (var attempt = 1; attempt <= attempts; attempt++)
        {
            var (error, permanent) = await AttemptAsync(delivery, stoppingToken);

            if (error is null)
            {
                logger.LogInformation(
                    "Alert delivered: rule {RuleId}, alert {AlertId}, {Channel} to {Target}, attempt {Attempt}",
                    delivery.Alert.RuleId, delivery.Alert.AlertId, delivery.Channel, delivery.Logged, attempt);
                await Finish(delivery, DeliveryStatus.Sent, attempt, null, stoppingToken);
                return;
            }

            logger.LogWarning(
                "Alert delivery failed: rule {RuleId}, alert {AlertId}, {Channel} to {Target}, attempt {Attempt} of "
                + "{Attempts}: {Error}",
                delivery.Alert.RuleId, delivery.Alert.AlertId, delivery.Channel, delivery.Logged, attempt, attempts,
                error);
            if (attempt == attempts || permanent)
            {
                await Finish(delivery, DeliveryStatus.Failed, attempt, error, stoppingToken);
                return;
            }

            await Report(delivery, DeliveryStatus.Pending, attempt, error, stoppingToken);

            // 5, 10, 20, 40 s by default: a server restarting is back before the last, one that is down stays failed.
            var wait = options.RetryBaseDelay * Math.Pow(2, attempt - 1);
            await Task.Delay(wait, time, stoppingToken);
        }
    }

    /// <summary>One attempt in a slot, within AttemptTimeout: null when sent, else why not, secrets removed.</summary>
    private async Task<(string? Error, bool Permanent)> AttemptAsync(Delivery delivery, CancellationToken stoppingToken)
    {
        await attemptSlots.WaitAsync(stoppingToken);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            timeout.CancelAfter(options.AttemptTimeout);
            await delivery.Send(timeout.Token);
            return (null, false);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            return ($"No answer within {options.AttemptTimeout}", false);
        }
        catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
        {
            // A recipient address that does not parse will not parse on the next attempt either.
            var permanent = exception is MimeKit.ParseException;
            return (Scrub(Describe(exception), delivery.Secrets), permanent);
        }
        finally
        {
            attemptSlots.Release();
        }
    }

    private async Task Finish(
        Delivery delivery, DeliveryStatus status, int attempts, string? error, CancellationToken stoppingToken)
    {
        metrics.AlertDelivery(delivery.Channel, status == DeliveryStatus.Sent ? "sent" : "failed");
        await Report(delivery, status, attempts, error, stoppingToken);
    }

    private async Task Report(
        Delivery delivery, DeliveryStatus status, int attempts, string? error, CancellationToken stoppingToken)
    {
        var alert = delivery.Alert;
        var entry = new DeliveryReport(
            delivery.Id, alert.AlertId, alert.RuleId, alert.ProjectId, delivery.Channel, delivery.Target, status,
            attempts, error, time.GetUtcNow());
        try
        {
            await report(entry, stoppingToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            logger.LogError(exception, "Recording an alert delivery failed: alert {AlertId}, {Channel}, {Status}",
                alert.AlertId, delivery.Channel, status);
        }
    }

    /// <summary>The messages of an exception and its causes: "Connection refused", "HTTP 500", an SMTP reply.</summary>
    private static string Describe(Exception exception)
    {
        var messages = new List<string>();
        for (var current = exception; current is not null && messages.Count < 3; current = current.InnerException)
        {
            if (!messages.Contains(current.Message))
            {
                messages.Add(current.Message);
            }
        }

        var text = string.Join(": ", messages).ReplaceLineEndings(" ");
        return text.Length <= 500 ? text : text[..500];
    }

    private static string Scrub(string error, IEnumerable<string?> secrets) =>
        secrets.Where(secret => !string.IsNullOrEmpty(secret))
            .Aggregate(error, (text, secret) => text.Replace(secret!, "***", StringComparison.Ordinal));

    private sealed record Delivery(
        Guid Id, AlertMessage Alert, string Channel, string Target, Func<CancellationToken, Task> Send,
        IReadOnlyList<string?> Secrets, string? Refusal)
    {
        /// <summary>
        /// The target as logs name it: a webhook's origin, but for an e-mail only how many it goes to, since
        /// addresses are personal data (the history, behind a token, shows them).
        /// </summary>
        public string Logged => Channel == Email
            ? $"{Target.Split(", ").Length} recipient(s)"
            : Target;
    }
}

public static class AlertDeliverySetup
{
    /// <summary>The senders, the background delivery and a reporter that records nothing until the history's.</summary>
    public static IServiceCollection AddAlertDelivery(this IServiceCollection services)
    {
        services.AddSingleton<EmailSender>();
        services.AddSingleton<WebhookSender>();
        WebhookSender.AddClient(services);
        services.TryAddSingleton<DeliveryReporter>((_, _) => Task.CompletedTask);
        services.AddSingleton<AlertDelivery>();
        services.AddHostedService(services => services.GetRequiredService<AlertDelivery>());
        return services;
    }
}
