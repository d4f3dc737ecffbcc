using CallTracker.Sip;
using CallTracker.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace CallTracker.Storage;

/// <summary>
/// How many failures of one code fell in a report's range; calls with no code are counted per local
/// cause instead, since that is all that tells them apart.
/// </summary>
public sealed record CodeCount(string ResponseClass, int? SipCode, string? LocalCause, string Outcome, long Count);

/// <summary>What a list of events is narrowed to. Every bound is optional but the project.</summary>
public sealed record EventFilter(
    int ProjectId,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    string? ResponseClass = null,
    int? SipCode = null,
    string? Agent = null,
    string? Outcome = null);

/// <summary>The position after the last event of a page: newest first, ties broken by id.</summary>
public sealed record EventCursor(DateTimeOffset OccurredAt, Guid EventId);

public sealed class EventQueries(CallTrackerDbContext db)
{
    /// <summary>Failures (everything but 2xx) per class, code and outcome in [from, to).</summary>
    public async Task<List<CodeCount>> CountFailuresByCodeAsync(
        int projectId, DateTimeOffset from, DateTimeOffset to, string? agent, CancellationToken cancellationToken)
    {
        var failures = db.CallEvents.AsNoTracking()
            .Where(call => call.ProjectId == projectId)
            .Where(call => call.OccurredAt >= from && call.OccurredAt < to)
            .Where(call => call.ResponseClass != ResponseClass.Answered);

        if (agent is not null)
        {
            failures = failures.Where(call => call.Agent == agent);
        }

        return await failures
            .GroupBy(call => new
            {
                call.ResponseClass,
                call.SipCode,
                LocalCause = call.SipCode == null ? call.LocalCause : null,
                Outcome = call.Outcome ?? "unknown",
            })
            .Select(group => new CodeCount(
                group.Key.ResponseClass, group.Key.SipCode, group.Key.LocalCause, group.Key.Outcome, group.LongCount()))
            .ToListAsync(cancellationToken);
    }

    /// <summary>One page of events, newest first, starting after <paramref name="after"/>.</summary>
    public Task<List<CallEvent>> ListAsync(
        EventFilter filter, EventCursor? after, int limit, CancellationToken cancellationToken)
    {
        var events = db.CallEvents.AsNoTracking().Where(call => call.ProjectId == filter.ProjectId);

        if (filter.From is { } from)
        {
            events = events.Where(call => call.OccurredAt >= from);
        }

        if (filter.To is { } to)
        {
            events = events.Where(call => call.OccurredAt < to);
        }

        if (filter.ResponseClass is { } responseClass)
        {
            events = events.Where(call => call.ResponseClass == responseClass);
        }

        if (filter.SipCode is { } code)
        {
            events = events.Where(call => call.SipCode == code);
        }

        if (filter.Agent is { } agent)
        {
            events = events.Where(call => call.Agent == agent);
        }

        if (filter.Outcome is { } outcome)
        {
            events = events.Where(call => call.Outcome == outcome);
        }

        // Keyset, not OFFSET: a page costs the same on the thousandth page as on the first, and
        // events arriving meanwhile neither repeat nor skip rows.
        if (after is not null)
        {
            events = events.Where(call => EF.Functions.LessThan(
                ValueTuple.Create(call.OccurredAt, call.EventId),
                ValueTuple.Create(after.OccurredAt, after.EventId)));
        }

        return events
            .OrderByDescending(call => call.OccurredAt)
            .ThenByDescending(call => call.EventId)
            .Take(limit)
            .ToListAsync(cancellationToken);
    }

    /// <summary>One page of error events, newest first, starting after <paramref name="after"/>.</summary>
    public Task<List<ErrorEvent>> ListErrorsAsync(
        int projectId, EventCursor? after, int limit, CancellationToken cancellationToken)
    {
        var errors = db.ErrorEvents.AsNoTracking().Where(error => error.ProjectId == projectId);
        if (after is not null)
        {
            errors = errors.Where(error => EF.Functions.LessThan(
                ValueTuple.Create(error.OccurredAt, error.EventId),
                ValueTuple.Create(after.OccurredAt, after.EventId)));
        }

        return errors.OrderByDescending(error => error.OccurredAt).ThenByDescending(error => error.EventId)
            .Take(limit).ToListAsync(cancellationToken);
    }

    public Task<ErrorEvent?> FindErrorAsync(int projectId, Guid eventId, CancellationToken cancellationToken) =>
        db.ErrorEvents.AsNoTracking()
            .FirstOrDefaultAsync(error => error.ProjectId == projectId && error.EventId == eventId, cancellationToken);

    public Task<CallEvent?> FindAsync(int projectId, Guid eventId, CancellationToken cancellationToken) =>
        db.CallEvents.AsNoTracking()
            .FirstOrDefaultAsync(call => call.ProjectId == projectId && call.EventId == eventId, cancellationToken);
}
