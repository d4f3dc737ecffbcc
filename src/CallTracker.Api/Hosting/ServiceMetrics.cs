using CallTracker.Api.Ingestion;
using Prometheus;

namespace CallTracker.Api.Hosting;

/// <summary>
/// What /metrics says about ingestion and reports, in Prometheus format. prometheus-net rather than
/// hand-written exposition: it gets the text format, histogram buckets and concurrency right.
/// </summary>
public sealed class ServiceMetrics
{
    private readonly Counter accepted = Metrics.CreateCounter(
        "calltracker_events_accepted_total", "Events stored (new event ids).", "source");

    private readonly Counter duplicated = Metrics.CreateCounter(
        "calltracker_events_duplicate_total", "Events whose id the project already had.", "source");

    private readonly Counter rejected = Metrics.CreateCounter(
        "calltracker_events_rejected_total", "Events or requests turned away, by reason.", "reason");

    private readonly Histogram batchEvents = Metrics.CreateHistogram(
        "calltracker_batch_events", "Events per committed batch.",
        new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(1, 2, 11) });

    private readonly Histogram commitSeconds = Metrics.CreateHistogram(
        "calltracker_batch_commit_seconds", "Time to commit one batch.",
        new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.0005, 2, 14) });

    private static readonly Histogram ReportSeconds = Metrics.CreateHistogram(
        "calltracker_report_seconds", "Time to answer a report, by report.",
        new HistogramConfiguration
        {
            LabelNames = ["report"],
            Buckets = Histogram.ExponentialBuckets(0.001, 2, 14),
        });

    public ServiceMetrics(IngestQueue queue)
    {
        var depth = Metrics.CreateGauge("calltracker_ingest_queue_depth", "Events waiting for their batch's commit.");
        Metrics.DefaultRegistry.AddBeforeCollectCallback(() => depth.Set(queue.Depth));
    }

    public void Stored(string source, int stored, int duplicates)
    {
        accepted.WithLabels(source).Inc(stored);
        duplicated.WithLabels(source).Inc(duplicates);
    }

    /// <summary>
    /// reason: invalid, too_large, unsupported_media_type, origin, queue_full, stopping, store_failed.
    /// </summary>
    public void Reject(string reason, int events = 1) => rejected.WithLabels(reason).Inc(events);

    internal void Committed(int events, TimeSpan elapsed)
    {
        batchEvents.Observe(events);
        commitSeconds.Observe(elapsed.TotalSeconds);
    }

    internal void Failed(int events) => Reject("store_failed", events);

    public static void Report(string report, TimeSpan elapsed) =>
        ReportSeconds.WithLabels(report).Observe(elapsed.TotalSeconds);
}
