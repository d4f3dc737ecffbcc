using System.Text.Json;
using System.Threading.Channels;
using CallTracker.Api.Alerts;
using CallTracker.Api.Alerts.Delivery;
using CallTracker.Api.Hosting;
using CallTracker.Api.Ingestion;
using CallTracker.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Serilog;

namespace CallTracker.Api.Tests;

/// <summary>
/// Alerts delivered to real servers the tests start on loopback: Debian's aiosmtpd for e-mail, a Kestrel
/// receiver that checks signatures for webhooks, a closed port and a receiver that answers 500 for failures.
/// The delivery runs as the service runs it (the same registrations), with its reports collected.
/// </summary>
public sealed class AlertDeliveryTests
{
    private const string Secret = "whsec-test-0123456789abcdef";
    private const string PublicUrl = "https://calltracker.example.com";

    [Fact]
    public async Task Email_ToARealSmtpServer_ArrivesWithSubjectBothBodiesCodesRemediesAndLink()
    {
        await using var smtp = await SmtpSink.StartAsync();
        await using var delivery = await DeliveryHarness.StartAsync(options =>
        {
            options.Smtp.Host = "127.0.0.1";
            options.Smtp.Port = smtp.Port;
            options.Smtp.TlsMode = SmtpTlsMode.None;
            options.Smtp.From = "CallTracker <alerts@calltracker.test>";
        });

        delivery.Alerts.Enqueue(Alert(), new AlertRecipients(["oncall@calltracker.test", "lead@calltracker.test"], []));
        var report = await delivery.FinalReportAsync(AlertDelivery.Email);
        var mail = Assert.Single(smtp.Messages());

        Assert.Equal(DeliveryStatus.Sent, report.Status);
        Assert.Equal(1, report.Attempts);
        Assert.Equal("[CallTracker] Network errors on trunk viettel-1: 42 in 5 min (limit 20)", mail.Subject);
        Assert.Equal(
            ["oncall@calltracker.test", "lead@calltracker.test"], mail.To.Mailboxes.Select(box => box.Address));
        Assert.Equal("alerts@calltracker.test", mail.From.Mailboxes.Single().Address);
        foreach (var body in new[] { mail.TextBody ?? "", mail.HtmlBody ?? "" })
        {
            Assert.Contains("503 Service Unavailable: 30", body);
            Assert.Contains("no response (transport_error): 12", body);
            Assert.Contains("Network error: 42", body);
            Assert.Contains("Check the trunk's registration", WebUtilityDecode(body));
            Assert.Contains("https://calltracker.example.com/issues/17", body);
            Assert.Contains("42 in 5 min (limit 20)", body);
        }

        Assert.Contains("Rule: Trunk <viettel-1> & network (event_count)", mail.TextBody);
        Assert.Contains("Trunk &lt;viettel-1&gt; &amp; network", mail.HtmlBody);
        Assert.DoesNotContain("<viettel-1>", mail.HtmlBody);
    }

    [Theory]
    [InlineData(SmtpTlsMode.StartTls, false)]
    [InlineData(SmtpTlsMode.SslOnConnect, true)]
    public async Task Email_OverTls_ToAServerWithAPrivateCertificate_ArrivesWhenThatCertificateIsTrusted(
        SmtpTlsMode mode, bool implicitTls)
    {
        using var certificate = new TestCertificate();
        await using var smtp = await SmtpSink.StartAsync(certificate, implicitTls);
        await using var delivery = await DeliveryHarness.StartAsync(options =>
        {
            options.Smtp.Host = "127.0.0.1";
            options.Smtp.Port = smtp.Port;
            options.Smtp.TlsMode = mode;
            options.Smtp.TrustedCertificate = certificate.CertificatePath;
        });

        delivery.Alerts.Enqueue(Alert(), new AlertRecipients(["oncall@calltracker.test"], []));
        var report = await delivery.FinalReportAsync(AlertDelivery.Email);

        Assert.Equal(DeliveryStatus.Sent, report.Status);
        Assert.Equal("[CallTracker] Network errors on trunk viettel-1: 42 in 5 min (limit 20)",
            Assert.Single(smtp.Messages()).Subject);
    }

    [Fact]
    public async Task Email_OverStartTls_ToACertificateNobodyTrusts_FailsAndSaysWhy()
    {
        using var certificate = new TestCertificate();
        await using var smtp = await SmtpSink.StartAsync(certificate);
        await using var delivery = await DeliveryHarness.StartAsync(options =>
        {
            options.Smtp.Host = "127.0.0.1";
            options.Smtp.Port = smtp.Port;
            options.Smtp.TlsMode = SmtpTlsMode.StartTls;
        });

        delivery.Alerts.Enqueue(Alert(), new AlertRecipients(["oncall@calltracker.test"], []));
        var report = await delivery.FinalReportAsync(AlertDelivery.Email);

        Assert.Equal(DeliveryStatus.Failed, report.Status);
        Assert.Contains("certificate", report.LastError, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(smtp.Messages());
    }

    [Fact]
    public async Task Email_SmtpServerDown_FailsAfterEveryAttemptWithoutThePassword()
    {
        await using var delivery = await DeliveryHarness.StartAsync(options =>
        {
            options.Smtp.Host = "127.0.0.1";
            options.Smtp.Port = Loopback.FreePort();
            options.Smtp.TlsMode = SmtpTlsMode.None;
            options.Smtp.User = "calltracker";
            options.Smtp.Password = "smtp-password-never-shown";
        });

        delivery.Alerts.Enqueue(Alert(), new AlertRecipients(["oncall@calltracker.test"], []));
        var report = await delivery.FinalReportAsync(AlertDelivery.Email);

        Assert.Equal(DeliveryStatus.Failed, report.Status);
        Assert.Equal(3, report.Attempts);
        Assert.Equal([1, 2], delivery.Reports.Where(r => r.Status == DeliveryStatus.Pending).Select(r => r.Attempts));
        Assert.All(delivery.Reports, r => Assert.DoesNotContain("smtp-password-never-shown", r.LastError ?? ""));
        Assert.Contains("attempt 3 of 3", delivery.LogText);
        Assert.Contains("1 recipient(s)", delivery.LogText);
        Assert.DoesNotContain("smtp-password-never-shown", delivery.LogText);
        Assert.DoesNotContain("oncall@calltracker.test", delivery.LogText);
    }

    [Fact]
    public async Task Webhook_Json_IsTheAlertMessageInCamelCaseSignedWithTheSecret()
    {
        await using var receiver = await WebhookReceiver.StartAsync(Secret);
        await using var delivery = await DeliveryHarness.StartAsync();

        delivery.Alerts.Enqueue(Alert(), Hook(receiver.Url("/hooks/ops"), WebhookFormat.Json));
        var report = await delivery.FinalReportAsync(AlertDelivery.Webhook);
        var request = Assert.Single(receiver.Received);
        using var json = JsonDocument.Parse(request.Body);
        var root = json.RootElement;

        Assert.Equal(DeliveryStatus.Sent, report.Status);
        Assert.True(request.SignatureValid, $"signature {request.Signature} does not hold");
        Assert.StartsWith("CallTracker", request.UserAgent);
        Assert.Equal(42, root.GetProperty("alertId").GetInt64());
        Assert.Equal(3, root.GetProperty("ruleId").GetInt64());
        Assert.Equal("fired", root.GetProperty("kind").GetString());
        Assert.Equal("event_count", root.GetProperty("trigger").GetString());
        Assert.Equal("2026-12-04T23:00:00Z", root.GetProperty("at").GetString());
        Assert.Equal(42, root.GetProperty("count").GetInt64());
        Assert.Equal(503, root.GetProperty("topCodes")[0].GetProperty("code").GetInt32());
        Assert.Equal("transport_error", root.GetProperty("topCodes")[1].GetProperty("localCause").GetString());
        Assert.StartsWith("Check the trunk", root.GetProperty("topOutcomes")[0].GetProperty("remedy").GetString());
        Assert.Equal("https://calltracker.example.com/issues/17", root.GetProperty("link").GetString());
        Assert.False(WebhookReceiver.SignatureHolds(request.Signature!, request.Body, "another secret"));
        Assert.False(WebhookReceiver.SignatureHolds(request.Signature!, request.Body + " ", Secret));
    }

    [Fact]
    public async Task Webhook_Slack_SendsTheSameContentAsEscapedMrkdwnText()
    {
        await using var receiver = await WebhookReceiver.StartAsync(secret: null);
        await using var delivery = await DeliveryHarness.StartAsync();

        delivery.Alerts.Enqueue(Alert(), Hook(receiver.Url("/services/T0/B0/x"), WebhookFormat.Slack, secret: null));
        await delivery.FinalReportAsync(AlertDelivery.Webhook);
        using var json = JsonDocument.Parse(Assert.Single(receiver.Received).Body);
        var text = json.RootElement.GetProperty("text").GetString()!;

        Assert.Equal(["text"], json.RootElement.EnumerateObject().Select(property => property.Name));
        Assert.StartsWith("*[CallTracker] Network errors on trunk viettel-1: 42 in 5 min (limit 20)*", text);
        Assert.Contains("Rule: Trunk &lt;viettel-1&gt; &amp; network (event_count)", text);
        Assert.Contains("• 503 Service Unavailable: 30", text);
        Assert.Contains("Network error: 42 — Check the trunk's registration", text);
        Assert.EndsWith("<https://calltracker.example.com/issues/17|Open in CallTracker>", text);
    }

    [Fact]
    public async Task Webhook_NothingListening_IsRetriedAndEndsFailedWithItsAttempts()
    {
        await using var delivery = await DeliveryHarness.StartAsync();
        var closed = new Uri($"http://127.0.0.1:{Loopback.FreePort()}/hooks/secret-path-token");

        delivery.Alerts.Enqueue(Alert(), Hook(closed, WebhookFormat.Json));
        var report = await delivery.FinalReportAsync(AlertDelivery.Webhook);

        Assert.Equal(DeliveryStatus.Failed, report.Status);
        Assert.Equal(3, report.Attempts);
        Assert.Equal($"http://127.0.0.1:{closed.Port}", report.Target);
        Assert.Equal([1, 2], delivery.Reports.Where(r => r.Status == DeliveryStatus.Pending).Select(r => r.Attempts));
        Assert.All(delivery.Reports, r => Assert.DoesNotContain("secret-path-token", r.LastError ?? ""));
        Assert.Contains("attempt 3 of 3", delivery.LogText);
        Assert.DoesNotContain("secret-path-token", delivery.LogText);
        Assert.DoesNotContain(Secret, delivery.LogText);
        var failed = "calltracker_alert_deliveries_total{channel=\"webhook\",result=\"failed\"} 1";
        Assert.Contains(failed, await delivery.MetricsAsync());
    }

    [Fact]
    public async Task Webhook_Answering500_IsRetriedAndEndsFailedWithItsAttempts()
    {
        await using var receiver = await WebhookReceiver.StartAsync(Secret, () => Task.FromResult(500));
        await using var delivery = await DeliveryHarness.StartAsync();

        delivery.Alerts.Enqueue(Alert(), Hook(receiver.Url("/hooks/ops"), WebhookFormat.Json));
        var report = await delivery.FinalReportAsync(AlertDelivery.Webhook);

        Assert.Equal(DeliveryStatus.Failed, report.Status);
        Assert.Equal(3, report.Attempts);
        Assert.Contains("HTTP 500", report.LastError);
        Assert.Equal(3, receiver.Received.Count);
        Assert.All(receiver.Received, request => Assert.True(request.SignatureValid));
    }

    [Fact]
    public async Task Webhook_SlowReceiver_DoesNotDelayAnotherDelivery()
    {
        var release = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var slow = await WebhookReceiver.StartAsync(
            Secret, () => release.Task.WaitAsync(TimeSpan.FromMinutes(1)));
        await using var fast = await WebhookReceiver.StartAsync(Secret);
        await using var delivery = await DeliveryHarness.StartAsync(
            options => options.Alerts.MaxConcurrentAttempts = 2);
        var slowTarget = slow.Url("/").GetLeftPart(UriPartial.Authority);
        var fastTarget = fast.Url("/").GetLeftPart(UriPartial.Authority);

        delivery.Alerts.Enqueue(Alert(), Hook(slow.Url("/hooks/slow"), WebhookFormat.Json));
        delivery.Alerts.Enqueue(Alert(), Hook(fast.Url("/hooks/fast"), WebhookFormat.Json));
        var fastReport = await delivery.FinalReportAsync(AlertDelivery.Webhook, fastTarget);
        var slowWasWaiting = !delivery.Reports.Any(r => r.Target == slowTarget);
        release.SetResult(200);
        var slowReport = await delivery.FinalReportAsync(AlertDelivery.Webhook, slowTarget);

        Assert.Equal(DeliveryStatus.Sent, fastReport.Status);
        Assert.True(slowWasWaiting, "the fast delivery waited for the slow one");
        Assert.Equal(DeliveryStatus.Sent, slowReport.Status);
        Assert.Single(slow.Received);
    }

    [Fact]
    public async Task Enqueue_QueueFull_DropsAtOnceCountsAndReportsIt()
    {
        // Not started: nothing takes deliveries off the queue, so its one place stays taken.
        await using var delivery = DeliveryHarness.Create(options => options.Alerts.QueueCapacity = 1);
        var hooks = new AlertRecipients([], [
            new AlertWebhook(new Uri("http://127.0.0.1:9/a"), Secret),
            new AlertWebhook(new Uri("http://127.0.0.1:9/b"), Secret),
        ]);

        var queuedAll = delivery.Alerts.Enqueue(Alert(), hooks);
        var report = await delivery.FinalReportAsync(AlertDelivery.Webhook);

        Assert.False(queuedAll);
        Assert.Equal((DeliveryStatus.Failed, 0), (report.Status, report.Attempts));
        Assert.Contains("queue was full", report.LastError);
        var dropped = "calltracker_alert_deliveries_total{channel=\"webhook\",result=\"dropped\"} 1";
        Assert.Contains(dropped, await delivery.MetricsAsync());
    }

    [Fact]
    public async Task Email_UnparsableAddress_FailsAfterOneAttempt()
    {
        await using var delivery = await DeliveryHarness.StartAsync(options =>
        {
            options.Smtp.Host = "127.0.0.1";
            options.Smtp.Port = Loopback.FreePort();
        });

        delivery.Alerts.Enqueue(Alert(), new AlertRecipients(["not an address <"], []));
        var report = await delivery.FinalReportAsync(AlertDelivery.Email);

        Assert.Equal(DeliveryStatus.Failed, report.Status);
        Assert.Equal(1, report.Attempts);
    }

    [Fact]
    public void Subject_ResolvedAlert_SaysResolvedOnOneLine()
    {
        var alert = Alert() with { Kind = "resolved", Summary = "Network errors\r\nback to normal" };

        Assert.Equal("[CallTracker] Resolved: Network errors back to normal", AlertText.Subject(alert));
    }

    [Fact]
    public async Task Email_WithoutSmtpHost_FailsAtOnceWithoutAttempts()
    {
        await using var delivery = await DeliveryHarness.StartAsync();

        delivery.Alerts.Enqueue(Alert(), new AlertRecipients(["oncall@calltracker.test"], []));
        var report = await delivery.FinalReportAsync(AlertDelivery.Email);

        Assert.Equal(DeliveryStatus.Failed, report.Status);
        Assert.Equal(0, report.Attempts);
        Assert.Contains("not configured", report.LastError);
    }

    private static AlertRecipients Hook(Uri url, WebhookFormat format, string? secret = Secret) =>
        new([], [new AlertWebhook(url, secret, format)]);

    private static string WebUtilityDecode(string body) => System.Net.WebUtility.HtmlDecode(body);

    private static AlertMessage Alert() => new()
    {
        AlertId = 42,
        ProjectId = 7,
        ProjectName = "Call centre",
        RuleId = 3,
        RuleName = "Trunk <viettel-1> & network",
        Kind = "fired",
        Trigger = "event_count",
        Summary = "Network errors on trunk viettel-1: 42 in 5 min (limit 20)",
        At = new DateTimeOffset(2026, 12, 4, 23, 0, 0, TimeSpan.Zero),
        WindowMinutes = 5,
        Count = 42,
        Threshold = 20,
        TopCodes =
        [
            new AlertCode(503, null, "Service Unavailable", 30), new AlertCode(null, "transport_error", "", 12),
        ],
        TopOutcomes =
        [
            new AlertOutcome(
                "network_error", "Network error", "Check the trunk's registration and the carrier's status.", 42),
        ],
        IssueId = 17,
        Link = "/issues/17",
    };

    /// <summary>
    /// The delivery with the service's own registrations, options for fast retries (three attempts, 10 ms
    /// apart, then 20), and a reporter that keeps every report, as the alert history will receive them.
    /// </summary>
    private sealed class DeliveryHarness : IAsyncDisposable
    {
        private readonly ServiceProvider services;
        private readonly Channel<DeliveryReport> incoming = Channel.CreateUnbounded<DeliveryReport>();
        private readonly List<DeliveryReport> reports = [];
        private bool started;

        private DeliveryHarness(Action<CallTrackerOptions>? configure)
        {
            var options = new CallTrackerOptions();
            options.Alerts.PublicUrl = PublicUrl;
            options.Alerts.DeliveryAttempts = 3;
            options.Alerts.RetryBaseDelay = TimeSpan.FromMilliseconds(10);
            options.Alerts.AttemptTimeout = TimeSpan.FromSeconds(20);
            configure?.Invoke(options);

            var collection = new ServiceCollection();
            collection.AddSerilog(new LoggerConfiguration().WriteTo.Sink(Logs).CreateLogger(), dispose: true);
            collection.AddSingleton(Options.Create(options));
            collection.AddSingleton(TimeProvider.System);
            collection.AddSingleton<IngestQueue>();
            collection.AddSingleton<ServiceMetrics>();
            collection.AddSingleton<DeliveryReporter>(
                (report, token) => incoming.Writer.WriteAsync(report, token).AsTask());
            collection.AddAlertDelivery();
            services = collection.BuildServiceProvider();
        }

        public AlertDelivery Alerts => services.GetRequiredService<AlertDelivery>();

        /// <summary>What the delivery logged, rendered with its property values.</summary>
        public LogCollector Logs { get; } = new();

        public string LogText => string.Join("\n", Logs.Events.Select(logEvent => logEvent.RenderMessage()));

        public IReadOnlyList<DeliveryReport> Reports
        {
            get
            {
                while (incoming.Reader.TryRead(out var report))
                {
                    reports.Add(report);
                }

                return reports;
            }
        }

        public static DeliveryHarness Create(Action<CallTrackerOptions>? configure = null) => new(configure);

        public static async Task<DeliveryHarness> StartAsync(Action<CallTrackerOptions>? configure = null)
        {
            var harness = new DeliveryHarness(configure);
            await harness.Alerts.StartAsync(CancellationToken.None);
            harness.started = true;
            return harness;
        }

        /// <summary>The first sent or failed report of a channel (and target); a hang fails after a minute.</summary>
        public async Task<DeliveryReport> FinalReportAsync(string channel, string? target = null)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            while (true)
            {
                var found = Reports.FirstOrDefault(report => report.Channel == channel
                    && (target is null || report.Target == target) && report.Status != DeliveryStatus.Pending);
                if (found is not null)
                {
                    return found;
                }

                await incoming.Reader.WaitToReadAsync(timeout.Token);
            }
        }

        public async Task<string> MetricsAsync()
        {
            using var stream = new MemoryStream();
            await services.GetRequiredService<ServiceMetrics>().Registry.CollectAndExportAsTextAsync(stream);
            return System.Text.Encoding.UTF8.GetString(stream.ToArray());
        }

        public async ValueTask DisposeAsync()
        {
            if (started)
            {
                await Alerts.StopAsync(CancellationToken.None);
            }

            await services.DisposeAsync();
        }
    }
}
