using System.Threading.Channels;
using CallTracker.Api.Hosting;
using CallTracker.Storage;
using CallTracker.Storage.Entities;
using Microsoft.Extensions.Options;

namespace CallTracker.Api.Ingestion;

/// <summary>
/// The bounded queue between the requests that accept events and the writers that commit them in
/// batches (group commit). A request enqueues its already validated and classified events and awaits the
/// commit of the batch they went into: it is answered only once they are durable, or with a 503 that it
/// can safely retry. When the queue holds its capacity in events, a request is turned away at once.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "It is a queue.")]
public sealed class IngestQueue(IOptions<CallTrackerOptions> options)
{
    private readonly Channel<PendingWrite> channel = Channel.CreateUnbounded<PendingWrite>(
        new UnboundedChannelOptions { SingleReader = false, AllowSynchronousContinuations = false });

    private readonly long capacity = options.Value.Ingestion.QueueCapacity;
    private readonly TimeSpan commitTimeout = options.Value.Ingestion.CommitTimeout;
    private long depth;

    /// <summary>True once the service is stopping: the queue takes no more writes.</summary>
    public bool IsStopping => channel.Reader.Completion.IsCompleted || stopping;

    private volatile bool stopping;

    /// <summary>Events waiting for a batch, or in the one being committed.</summary>
    public long Depth => Interlocked.Read(ref depth);

    internal ChannelReader<PendingWrite> Reader => channel.Reader;

    /// <summary>
    /// Queues the events; the task completes when their batch has committed, or fails with
    /// <see cref="IngestFailedException"/> when it failed or took longer than CommitTimeout. Null when the
    /// queue is full or the service is stopping: answer 503 with Retry-After.
    /// </summary>
    public Task<StoredEvents>? TryWrite(IReadOnlyList<CallEvent> calls, IReadOnlyList<ErrorEvent> errors)
    {
        var size = calls.Count + errors.Count;
        if (Interlocked.Add(ref depth, size) > capacity)
        {
            Interlocked.Add(ref depth, -size);
            return null;
        }

        // Continuations run on the thread pool, not on the writer's loop, so that answering requests never
        // delays the next commit.
        var write = new PendingWrite(calls, errors,
            new TaskCompletionSource<StoredEvents>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!channel.Writer.TryWrite(write))
        {
            Interlocked.Add(ref depth, -size);
            return null;
        }

        return WaitForCommitAsync(write);
    }

    private async Task<StoredEvents> WaitForCommitAsync(PendingWrite write)
    {
        try
        {
            return await write.Done.Task.WaitAsync(commitTimeout);
        }
        catch (TimeoutException timeout) when (write.Done.TrySetCanceled())
        {
            // The database hangs. The request is answered 503 and its events are given up: a writer drops them
            // unless their batch is already being written, in which case they may still be stored and the
            // client's retry is a duplicate. Either way an id is stored once.
            throw new IngestFailedException(timeout);
        }
    }

    internal void Committed(int events) => Interlocked.Add(ref depth, -events);

    /// <summary>Takes no more writes; the writer commits what is queued and stops.</summary>
    internal void Complete()
    {
        stopping = true;
        channel.Writer.TryComplete();
    }
}

/// <summary>One request's events and the promise of their commit.</summary>
internal sealed record PendingWrite(
    IReadOnlyList<CallEvent> Calls, IReadOnlyList<ErrorEvent> Errors, TaskCompletionSource<StoredEvents> Done)
{
    public int Size => Calls.Count + Errors.Count;

    /// <summary>Its request stopped waiting (CommitTimeout) and was answered 503: nobody wants it written.</summary>
    public bool IsAbandoned => Done.Task.IsCanceled;
}

/// <summary>
/// A request's events were not stored: their batch failed, or the database did not commit it within
/// CommitTimeout (then they may yet be stored, if their batch was already being written).
/// </summary>
public sealed class IngestFailedException(Exception inner)
    : Exception("The batch with these events could not be stored.", inner)
{
    public bool TimedOut => InnerException is TimeoutException;
}
