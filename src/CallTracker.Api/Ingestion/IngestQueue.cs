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
    private long depth;

    /// <summary>True once the service is stopping: the queue takes no more writes.</summary>
    public bool IsStopping => channel.Reader.Completion.IsCompleted || stopping;

    private volatile bool stopping;

    /// <summary>Events waiting for a batch, or in the one being committed.</summary>
    public long Depth => Interlocked.Read(ref depth);

    internal ChannelReader<PendingWrite> Reader => channel.Reader;

    /// <summary>
    /// Queues the events; the task completes when their batch has committed (or failed). Null when the
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

        return write.Done.Task;
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
}

/// <summary>The batch that held a request's events could not be stored; nothing of it was.</summary>
public sealed class IngestFailedException(Exception inner)
    : Exception("The batch with these events could not be stored.", inner);
