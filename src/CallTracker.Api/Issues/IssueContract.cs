using CallTracker.Api.ErrorEvents;
using CallTracker.Api.Events;

namespace CallTracker.Api.Issues;

/// <summary>An issue: failed calls (or error events from a Sentry SDK) that share a fingerprint.</summary>
public sealed record IssueSummary
{
    /// <example>42</example>
    public required long Id { get; init; }

    /// <summary>call (failed calls) or error (exceptions and messages from a Sentry SDK, with no call).</summary>
    /// <example>call</example>
    public required string Kind { get; init; }

    /// <example>480 Temporarily Unavailable, Q.850 20 Subscriber absent</example>
    public required string Title { get; init; }

    /// <summary>The failed calls' outcome; null for an error issue.</summary>
    /// <example>unreachable</example>
    public string? Outcome { get; init; }

    /// <summary>The outcome in words, in the language asked for (en or vi); null for an error issue.</summary>
    /// <example>Unreachable (off, no coverage, not registered)</example>
    public string? OutcomeLabel { get; init; }

    /// <summary>The failed calls' response class; null for an error issue.</summary>
    /// <example>4xx</example>
    public string? ResponseClass { get; init; }

    /// <example>480</example>
    public int? SipCode { get; init; }

    /// <example>20</example>
    public int? Q850Cause { get; init; }

    /// <summary>For calls with no final response.</summary>
    /// <example>transport_error</example>
    public string? LocalCause { get; init; }

    /// <example>viettel-1</example>
    public string? Trunk { get; init; }

    /// <summary>unresolved, resolved or ignored.</summary>
    /// <example>unresolved</example>
    public required string Status { get; init; }

    /// <summary>
    /// A resolved issue came back. Not set for customer behaviour such as busy, unless the project asks for it.
    /// </summary>
    /// <example>false</example>
    public required bool Regression { get; init; }

    /// <summary>When a new event last reopened it after it was resolved; null if it never was.</summary>
    /// <example>2026-12-03T08:00:00Z</example>
    public DateTimeOffset? ReopenedAt { get; init; }

    /// <example>2026-12-01T02:15:00Z</example>
    public required DateTimeOffset FirstSeen { get; init; }

    /// <example>2026-12-04T09:40:00Z</example>
    public required DateTimeOffset LastSeen { get; init; }

    /// <example>128</example>
    public required long EventCount { get; init; }
}

/// <summary>A page of issues.</summary>
public sealed record IssuePage
{
    public required IReadOnlyList<IssueSummary> Items { get; init; }

    /// <summary>Pass as <c>cursor</c> for the next page (with the same sort); null on the last page.</summary>
    public string? NextCursor { get; init; }
}

/// <summary>One issue with what a person needs to judge it.</summary>
public sealed record IssueDetails
{
    public required IssueSummary Issue { get; init; }

    /// <summary>Distinct agents among its events (for an error issue, the SDK's user ids).</summary>
    /// <example>7</example>
    public required long Agents { get; init; }

    /// <summary>Distinct phone numbers (E.164 when they parse) among its events.</summary>
    /// <example>95</example>
    public required long PhoneNumbers { get; init; }

    /// <summary>The time zone of the days: the <c>tz</c> asked for, UTC by default.</summary>
    /// <example>Asia/Ho_Chi_Minh</example>
    public required string TimeZone { get; init; }

    /// <summary>Events per day in that time zone, oldest first; days without events are left out.</summary>
    public required IReadOnlyList<IssueDay> Days { get; init; }

    /// <summary>The most recent failed call, for a call issue.</summary>
    public EventDetails? LatestEvent { get; init; }

    /// <summary>The most recent error event, for an error issue.</summary>
    public ErrorEventDetails? LatestError { get; init; }
}

/// <summary>Events of one issue on one day.</summary>
public sealed record IssueDay
{
    /// <example>2026-12-04</example>
    public required DateOnly Day { get; init; }

    /// <example>31</example>
    public required long Count { get; init; }
}
