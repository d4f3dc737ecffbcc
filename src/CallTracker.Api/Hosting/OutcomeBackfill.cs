using CallTracker.Api.Events;
using CallTracker.Storage;
using Microsoft.EntityFrameworkCore;

namespace CallTracker.Api.Hosting;

/// <summary>
/// Gives events stored before outcomes existed their outcome, Reason values and phone details, from the
/// headers and fields they were stored with. Runs at start-up after the migrations; a no-op once done.
/// </summary>
/// <remarks>
/// In C#, not SQL in the migration: the rules live in CallTracker.Sip, and a second copy in SQL would
/// drift from them. Batches keep memory flat on a large table; the partial index on outcome IS NULL
/// keeps each batch's query cheap.
/// </remarks>
public static class OutcomeBackfill
{
    private const int BatchSize = 500;

    public static async Task<int> RunAsync(
        CallTrackerDbContext db, CallEventEnricher enricher, EventWriter writer, ILogger logger,
        CancellationToken cancellationToken)
    {
        var total = 0;
        var projects = new HashSet<int>();
        while (true)
        {
            var batch = await db.CallEvents
                .Where(call => call.Outcome == null)
                .OrderBy(call => call.ProjectId).ThenBy(call => call.EventId)
                .Take(BatchSize)
                .ToListAsync(cancellationToken);
            if (batch.Count == 0)
            {
                break;
            }

            foreach (var call in batch)
            {
                enricher.Enrich(call, CallEventEnricher.ReadHeaders(call.Headers));
                projects.Add(call.ProjectId);
            }

            await db.SaveChangesAsync(cancellationToken);
            db.ChangeTracker.Clear();
            total += batch.Count;
        }

        if (total > 0)
        {
            // Their rollups counted them as unknown: count those projects again.
            await writer.RebuildRollupsAsync(projects, cancellationToken);
            logger.LogInformation("Backfilled the outcome of {Count} events stored before outcomes existed", total);
        }

        return total;
    }
}
