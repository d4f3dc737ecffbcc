using CallTracker.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace CallTracker.Storage;

/// <summary>What a list of events is narrowed to. Every bound is optional but the project.</summary>
public sealed record EventFilter(
    int ProjectId,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    string? ResponseClass = null,
    int? SipCode = null,
    string? Agent = null,
    string? Outcome = null,
    string? Fingerprint = null);

/// <summary>The position after the last event of a page: newest first, ties broken by id.</summary>
public sealed record EventCursor(DateTimeOffset OccurredAt, Guid EventId);

/// <summary>What a list of issues is narrowed to, and how it is sorted.</summary>
public sealed record IssueFilter(
    int ProjectId,
    string Sort,
    string? Kind = null,
    string? Status = null,
    string? Outcome = null,
    string? ResponseClass = null,
    int? SipCode = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null);

/// <summary>The position after the last issue of a page: its sort value (ticks or count) and id.</summary>
public sealed record IssueCursor(long Value, long Id)
{
    /// <summary>The value as UTC ticks, for the time sorts; it must lie within DateTimeOffset's range.</summary>
    public DateTimeOffset Time => new(Value, TimeSpan.Zero);
}

/// <summary>Events of one issue on one day of the time zone asked for.</summary>
public sealed record DayCount(DateOnly Day, long Count);

/// <summary>How widely one issue reaches.</summary>
public sealed record IssueReach(long Agents, long PhoneNumbers);

/// <summary>What an issue groups: failed calls, or error events from a Sentry SDK.</summary>
public static class IssueKinds
{
    public const string Call = "call";
    public const string Error = "error";

    public static readonly IReadOnlyList<string> All = [Call, Error];
}

public sealed class EventQueries(CallTrackerDbContext db, Npgsql.NpgsqlDataSource dataSource)
{
    public const string SortLastSeen = "lastSeen";
    public const string SortFirstSeen = "firstSeen";
    public const string SortCount = "count";

    /// <summary>One page of issues, keyset-paginated on the sort value and then the id, highest first.</summary>
    public Task<List<Issue>> ListIssuesAsync(
        IssueFilter filter, IssueCursor? after, int limit, CancellationToken cancellationToken)
    {
        var issues = db.Issues.AsNoTracking().Where(issue => issue.ProjectId == filter.ProjectId);
        issues = filter.Kind is { } kind ? issues.Where(issue => issue.Kind == kind) : issues;
        issues = filter.Status is { } status ? issues.Where(issue => issue.Status == status) : issues;
        issues = filter.Outcome is { } outcome ? issues.Where(issue => issue.Outcome == outcome) : issues;
        issues = filter.ResponseClass is { } responseClass
            ? issues.Where(issue => issue.ResponseClass == responseClass)
            : issues;
        issues = filter.SipCode is { } code ? issues.Where(issue => issue.SipCode == code) : issues;
        issues = filter.From is { } from ? issues.Where(issue => issue.LastSeen >= from) : issues;
        issues = filter.To is { } to ? issues.Where(issue => issue.FirstSeen < to) : issues;

        // A count cursor's value is a count, not ticks: it is read as a time only for the time sorts, where
        // the endpoint has checked that it is one.
        issues = (filter.Sort, after) switch
        {
            (_, null) => issues,
            (SortCount, _) => issues.Where(issue => EF.Functions.LessThan(
                ValueTuple.Create(issue.EventCount, issue.Id), ValueTuple.Create(after.Value, after.Id))),
            (SortFirstSeen, _) => issues.Where(issue => EF.Functions.LessThan(
                ValueTuple.Create(issue.FirstSeen, issue.Id), ValueTuple.Create(after.Time, after.Id))),
            _ => issues.Where(issue => EF.Functions.LessThan(
                ValueTuple.Create(issue.LastSeen, issue.Id), ValueTuple.Create(after.Time, after.Id))),
        };

        var sorted = filter.Sort switch
        {
            SortCount => issues.OrderByDescending(issue => issue.EventCount),
            SortFirstSeen => issues.OrderByDescending(issue => issue.FirstSeen),
            _ => issues.OrderByDescending(issue => issue.LastSeen),
        };
        return sorted.ThenByDescending(issue => issue.Id).Take(limit).ToListAsync(cancellationToken);
    }

    public Task<Issue?> FindIssueAsync(int projectId, long id, CancellationToken cancellationToken) =>
        db.Issues.AsNoTracking()
            .FirstOrDefaultAsync(issue => issue.ProjectId == projectId && issue.Id == id, cancellationToken);

    /// <summary>Changes an issue's status; false when there is no such issue in the project.</summary>
    public async Task<bool> SetIssueStatusAsync(
        int projectId, long id, string status, CancellationToken cancellationToken) =>
        await db.Issues.Where(issue => issue.ProjectId == projectId && issue.Id == id)
            .ExecuteUpdateAsync(update => update
                .SetProperty(issue => issue.Status, status)
                .SetProperty(issue => issue.Regression, issue => status == "resolved" ? false : issue.Regression),
                cancellationToken) == 1;

    /// <summary>
    /// Distinct agents and phone numbers among an issue's events (distinct counts do not add up). For an error
    /// issue, the agents are the SDK's user ids, and there are no phone numbers.
    /// </summary>
    public async Task<IssueReach> IssueReachAsync(Issue issue, CancellationToken cancellationToken)
    {
        if (issue.Kind == IssueKinds.Error)
        {
            var users = await db.ErrorEvents.AsNoTracking()
                .Where(error => error.ProjectId == issue.ProjectId && error.Fingerprint == issue.Fingerprint)
                .Where(error => error.UserId != null).Select(error => error.UserId).Distinct()
                .LongCountAsync(cancellationToken);
            return new IssueReach(users, 0);
        }

        var events = db.CallEvents.AsNoTracking()
            .Where(call => call.ProjectId == issue.ProjectId && call.Fingerprint == issue.Fingerprint);
        var agents = await events.Where(call => call.Agent != null).Select(call => call.Agent).Distinct()
            .LongCountAsync(cancellationToken);
        var numbers = await events.Where(call => call.PhoneNumber != null)
            .Select(call => call.PhoneE164 ?? call.PhoneNumber).Distinct().LongCountAsync(cancellationToken);
        return new IssueReach(agents, numbers);
    }

    /// <summary>An issue's events per day in the IANA time zone <paramref name="timeZone"/>, oldest first.</summary>
    public async Task<List<DayCount>> IssueDaysAsync(Issue issue, string timeZone, CancellationToken cancellationToken)
    {
        // Raw SQL: a per-day group in a time zone is one AT TIME ZONE in PostgreSQL (which knows the IANA
        // zones and their history), and EF's translation of DateTimeOffset dates is not something to rely on.
        var table = issue.Kind == IssueKinds.Error ? "error_events" : "call_events";
        await using var command = dataSource.CreateCommand($"""
            SELECT (occurred_at AT TIME ZONE $3)::date AS day, count(*)
            FROM {table} WHERE project_id = $1 AND fingerprint = $2
            GROUP BY 1 ORDER BY 1
            """);
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = issue.ProjectId });
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = issue.Fingerprint });
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = timeZone });

        var days = new List<DayCount>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            days.Add(new DayCount(DateOnly.FromDateTime(reader.GetDateTime(0)), reader.GetInt64(1)));
        }

        return days;
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

        if (filter.Fingerprint is { } fingerprint)
        {
            events = events.Where(call => call.Fingerprint == fingerprint);
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
        int projectId, EventCursor? after, int limit, CancellationToken cancellationToken, string? fingerprint = null)
    {
        var errors = db.ErrorEvents.AsNoTracking().Where(error => error.ProjectId == projectId);
        if (fingerprint is not null)
        {
            errors = errors.Where(error => error.Fingerprint == fingerprint);
        }

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
