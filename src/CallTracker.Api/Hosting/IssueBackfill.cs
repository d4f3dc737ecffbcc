using System.Text.Json;
using CallTracker.Api.Events;
using CallTracker.Api.Sentry;
using CallTracker.Sip;
using CallTracker.Storage;
using Microsoft.EntityFrameworkCore;

namespace CallTracker.Api.Hosting;

/// <summary>
/// Groups into issues the failures and error events stored before grouping existed: gives them their
/// default fingerprint and creates (or recounts) their issues. Runs at start-up after the outcome
/// backfill, before the service takes traffic; a no-op once done.
/// </summary>
/// <remarks>
/// The fingerprint rules live in CallTracker.Sip and the Sentry mapper, so this runs them in C# rather than
/// copying them into SQL. The partial indexes on fingerprint IS NULL keep each batch's query cheap.
/// </remarks>
public static class IssueBackfill
{
    private const int BatchSize = 500;

    public static async Task<int> RunAsync(
        CallTrackerDbContext db, CallEventEnricher enricher, EventWriter writer, ILogger logger,
        CancellationToken cancellationToken)
    {
        var calls = 0;
        while (true)
        {
            var batch = await db.CallEvents
                .Where(call => call.Fingerprint == null && call.ResponseClass != ResponseClass.Answered)
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

                // Enrich leaves it null only for an answered outcome, which a non-2xx class never has; should
                // that ever change, the row still gets one, so that this loop always ends.
                call.Fingerprint ??= IssueFingerprint.Hash(IssueFingerprint.DefaultParts(
                    call.SipCode, call.LocalCause, call.Q850Cause, call.Outcome ?? Outcome.Unknown, call.Trunk));
                call.IssueTitle ??= IssueFingerprint.Title(call.SipCode, call.Q850Cause, call.LocalCause);
            }

            // One transaction: a fingerprint is never stored without its issue counted, or the next start
            // would not find the event again (it looks for events without one).
            await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
            {
                await db.SaveChangesAsync(cancellationToken);
                await writer.RebuildIssuesAsync(batch, Connection(db), cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }

            db.ChangeTracker.Clear();
            calls += batch.Count;
        }

        var errors = 0;
        while (true)
        {
            var batch = await db.ErrorEvents.Where(error => error.Fingerprint == null)
                .OrderBy(error => error.ProjectId).ThenBy(error => error.EventId)
                .Take(BatchSize)
                .ToListAsync(cancellationToken);
            if (batch.Count == 0)
            {
                break;
            }

            foreach (var error in batch)
            {
                // The stored payload is what the SDK sent (less personal data), so it gives the same grouping
                // as at ingestion, the SDK's own fingerprint included.
                using var payload = JsonDocument.Parse(error.Payload);
                var grouped = SentryEventMapper.ToError(
                    payload.RootElement, error.EventId, error.OccurredAt, error.ReceivedAt, error.ProjectId);
                error.Fingerprint = grouped.Fingerprint;
                error.IssueTitle = grouped.IssueTitle;
            }

            await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
            {
                await db.SaveChangesAsync(cancellationToken);
                await writer.RebuildErrorIssuesAsync(batch, Connection(db), cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }

            db.ChangeTracker.Clear();
            errors += batch.Count;
        }

        if (calls + errors > 0)
        {
            logger.LogInformation(
                "Grouped into issues {Calls} failures and {Errors} error events stored before grouping existed",
                calls, errors);
        }

        return calls + errors;
    }

    private static Npgsql.NpgsqlConnection Connection(CallTrackerDbContext db) =>
        (Npgsql.NpgsqlConnection)db.Database.GetDbConnection();
}
