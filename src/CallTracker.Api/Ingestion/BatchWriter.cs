using System.Diagnostics;
using CallTracker.Api.Hosting;
using CallTracker.Storage;
using Microsoft.Extensions.Options;

namespace CallTracker.Api.Ingestion;

/// <summary>
/// Commits queued events in batches: it takes what is queued, up to MaxBatchEvents, waits BatchLinger for
/// more when the batch is not full, and writes it in one transaction. While one batch commits the next
/// fills, so a busy service writes few large batches and an idle one answers within a few milliseconds.
/// </summary>
/// <remarks>
/// A few writers (CallTracker:Ingestion:Writers, two by default), each a loop on its own connection: while
/// one batch waits for its commit to reach the disk, the next inserts. Two batches that count into the same
/// issue or rollup row meet on its row lock, the later one waiting for the earlier's commit; every batch
/// locks ids, issues and rollup rows in the same sorted order, so they cannot deadlock. A failed batch is
/// tried again one request at a time, so that one bad request cannot fail the others with it. A write whose
/// request stopped waiting (CommitTimeout) is dropped rather than written, if no batch has taken it yet.
/// </remarks>
public sealed class BatchWriter(
    IngestQueue queue, EventWriter writer, ServiceMetrics metrics, Alerts.MinuteCounters counters,
    Alerts.IssueChanges issueChanges, IOptions<CallTrackerOptions> options, ILogger<BatchWriter> logger)
    : BackgroundService
{
    private readonly int maxBatchEvents = options.Value.Ingestion.MaxBatchEvents;
    private readonly TimeSpan linger = options.Value.Ingestion.BatchLinger;
    private readonly int writers = Math.Max(1, options.Value.Ingestion.Writers);

    public override Task StopAsync(CancellationToken cancellationToken)
    {
        // Stop taking writes, then let the loop commit every one already queued before the host stops.
        queue.Complete();
        return base.StopAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(() => WriteAsync(stoppingToken))));

    private async Task WriteAsync(CancellationToken stoppingToken)
    {
        var reader = queue.Reader;
        var batch = new List<PendingWrite>();

        // Not stoppingToken: on shutdown the queue is completed, and the loop ends once it is drained.
        while (await reader.WaitToReadAsync(CancellationToken.None))
        {
            batch.Clear();
            var events = Take(batch, 0);
            if (events < maxBatchEvents && linger > TimeSpan.Zero && !stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(linger, CancellationToken.None);
                events = Take(batch, events);
            }

            // Empty when every write taken was abandoned: nothing to commit, and no reason to wait on a database
            // that may be the one hanging.
            if (batch.Count > 0)
            {
                await CommitAsync(batch);
            }

            queue.Committed(events);
        }
    }

    private int Take(List<PendingWrite> batch, int events)
    {
        while (events < maxBatchEvents && queue.Reader.TryRead(out var write))
        {
            if (write.IsAbandoned)
            {
                metrics.Reject("commit_timeout", write.Size);
                queue.Committed(write.Size);
                continue;
            }

            batch.Add(write);
            events += write.Size;
        }

        return events;
    }

    private async Task CommitAsync(List<PendingWrite> batch)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var stored = await writer.WriteAsync(
                batch.SelectMany(write => write.Calls).ToList(), batch.SelectMany(write => write.Errors).ToList(),
                CancellationToken.None);
            metrics.Committed(batch.Sum(write => write.Size), Stopwatch.GetElapsedTime(started));

            // Before the answers, so that a 202 means counted for the alert rules too (a round right after it
            // sees the events); counting is in memory and takes microseconds. What it throws must not turn a
            // committed batch into failed requests.
            try
            {
                counters.Add(batch.SelectMany(write => write.Calls)
                    .Where(call => stored.Calls.Contains((call.ProjectId, call.EventId)))
                    .DistinctBy(call => (call.ProjectId, call.EventId)));
                issueChanges.Add(stored.Issues);
            }
            catch (Exception exception)
            {
                logger.LogWarning("Stored events not counted for the alert rules ({Reason})",
                    Http.Problems.SafeReason(exception));
            }

            Answer(batch, stored);
        }
        catch (Exception exception) when (batch.Count > 1)
        {
            logger.LogWarning("A batch of {Requests} requests failed ({Reason}); trying them one at a time",
                batch.Count, Http.Problems.SafeReason(exception));
            // Not the ones whose request gave up meanwhile: while the database hangs, each would wait again.
            foreach (var write in batch.Where(write => !write.IsAbandoned))
            {
                await CommitAsync([write]);
            }
        }
        catch (Exception exception)
        {
            metrics.Failed(batch[0].Size);
            batch[0].Done.TrySetException(new IngestFailedException(exception));
        }
    }

    /// <summary>
    /// Tells each request which of its events were new. An id that two requests of the batch both sent is
    /// the first one's; the later one gets it as a duplicate, as if it had come after the commit.
    /// </summary>
    private static void Answer(List<PendingWrite> batch, StoredEvents stored)
    {
        var claimedCalls = new HashSet<(int, Guid)>();
        var claimedErrors = new HashSet<(int, Guid)>();
        foreach (var write in batch)
        {
            var mine = new StoredEvents([], []);
            foreach (var call in write.Calls)
            {
                var key = (call.ProjectId, call.EventId);
                if (stored.Calls.Contains(key) && claimedCalls.Add(key))
                {
                    mine.Calls.Add(key);
                }
            }

            foreach (var error in write.Errors)
            {
                var key = (error.ProjectId, error.EventId);
                if (stored.Errors.Contains(key) && claimedErrors.Add(key))
                {
                    mine.Errors.Add(key);
                }
            }

            write.Done.TrySetResult(mine);
        }
    }
}
