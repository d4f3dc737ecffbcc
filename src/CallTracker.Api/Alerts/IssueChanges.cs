using System.Threading.Channels;
using CallTracker.Storage;

namespace CallTracker.Api.Alerts;

/// <summary>
/// The failed-call issues that batches created or reopened, from the batch writer to the alert evaluator. Bounded:
/// if the evaluator falls this far behind (the database is down), the newest changes are dropped rather than
/// held in memory; an alert about an issue is worth less than the service staying up.
/// </summary>
public sealed class IssueChanges
{
    private readonly Channel<IssueChange> channel = Channel.CreateBounded<IssueChange>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Add(IEnumerable<IssueChange> changes)
    {
        foreach (var change in changes)
        {
            channel.Writer.TryWrite(change);
        }
    }

    /// <summary>Everything added since the last call.</summary>
    public List<IssueChange> TakeAll()
    {
        var taken = new List<IssueChange>();
        while (channel.Reader.TryRead(out var change))
        {
            taken.Add(change);
        }

        return taken;
    }
}
