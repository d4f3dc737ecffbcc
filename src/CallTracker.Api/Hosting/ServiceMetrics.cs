using CallTracker.Api.Ingestion;
using Prometheus;

namespace CallTracker.Api.Hosting;

/// <summary>
/// What /metrics says about ingestion and reports, in Prometheus format. prometheus-net rather than
/// hand-written exposition: it gets the text format, histogram buckets and concurrency right.
/// </summary>
/// <remarks>
/// Each host has its own registry, served at /metrics: the process-wide default registry would share
/// counters (and pile up queue-depth callbacks) between hosts, as in the tests, which start several.
/// </remarks>
public sealed class ServiceMetrics
{
    private readonly Counter accepted;
    private readonly Counter duplicated;
    private readonly Counter rejected;
    private readonly Histogram batchEvents;
    private readonly Histogram commitSeconds;
    private readonly Histogram reportSeconds;
    private readonly Counter alertDeliveries;

    public ServiceMetrics(IngestQueue queue)
    {
        var metrics = Metrics.WithCustomRegistry(Registry);
        accepted = metrics.CreateCounter(
            "calltracker_events_accepted_total", "Events stored (new event ids).", "source");
        duplicated = metrics.CreateCounter(
            "calltracker_events_duplicate_total", "Events whose id the project already had.", "source");
        rejected = metrics.CreateCounter(
            "calltracker_events_rejected_total", "Events or requests turned away, by reason.", "reason");
        batchEvents = metrics.CreateHistogram(
            "calltracker_batch_events", "Events per committed batch.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(1, 2, 11) });
        commitSeconds = metrics.CreateHistogram(
            "calltracker_batch_commit_seconds", "Time to commit one batch.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.0005, 2, 14) });
        reportSeconds = metrics.CreateHistogram(
            "calltracker_report_seconds", "Time to answer a report, by report.",
            new HistogramConfiguration
            {
                LabelNames = ["report"],
                Buckets = Histogram.ExponentialBuckets(0.001, 2, 14),
            });

        alertDeliveries = metrics.CreateCounter(
            "calltracker_alert_deliveries_total", "Alert deliveries by channel and how they ended.",
            "channel", "result");

        var depth = metrics.CreateGauge("calltracker_ingest_queue_depth", "Events waiting for their batch's commit.");
        Registry.AddBeforeCollectCallback(() => depth.Set(queue.Depth));

        // The process's own figures (CPU, memory, collections), as the default registry would have them.
        DotNetStats.Register(Registry);
    }

    /// <summary>This host's metrics, as /metrics serves them.</summary>
    public CollectorRegistry Registry { get; } = Metrics.NewCustomRegistry();

    public void Stored(string source, int stored, int duplicates)
    {
        accepted.WithLabels(source).Inc(stored);
        duplicated.WithLabels(source).Inc(duplicates);
    }

    /// <summary>
    /// reason: invalid, too_large, unsupported_media_type, origin, rate_limited, quota_exceeded, queue_full,
    /// stopping, store_failed, commit_timeout (given up before a batch took them).
    /// </summary>
    public void Reject(string reason, int events = 1) => rejected.WithLabels(reason).Inc(events);

    internal void Committed(int events, TimeSpan elapsed)
    {
        batchEvents.Observe(events);
        commitSeconds.Observe(elapsed.TotalSeconds);
    }

    internal void Failed(int events) => Reject("store_failed", events);

    public void Report(string report, TimeSpan elapsed) =>
        reportSeconds.WithLabels(report).Observe(elapsed.TotalSeconds);

    /// <summary>result: sent, failed (every attempt), dropped (the delivery queue was full).</summary>
    public void AlertDelivery(string channel, string result) => alertDeliveries.WithLabels(channel, result).Inc();
}
