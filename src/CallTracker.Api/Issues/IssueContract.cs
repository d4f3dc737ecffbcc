using CallTracker.Api.Events;

namespace CallTracker.Api.Issues;

/// <summary>An issue: failed calls that share a fingerprint.</summary>
public sealed record IssueSummary
{
    /// <example>42</example>
    public required long Id { get; init; }

    /// <example>480 Temporarily Unavailable, Q.850 20 Subscriber absent</example>
    public required string Title { get; init; }

    /// <example>unreachable</example>
    public required string Outcome { get; init; }

    /// <summary>The outcome in words, in the language asked for (en or vi).</summary>
    /// <example>Unreachable (off, no coverage, not registered)</example>
    public required string OutcomeLabel { get; init; }

    /// <example>4xx</example>
    public required string ResponseClass { get; init; }

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

    /// <summary>A resolved issue came back (never set for customer behaviour such as busy).</summary>
    /// <example>false</example>
    public required bool Regression { get; init; }

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

    /// <summary>Distinct agents among its events.</summary>
    /// <example>7</example>
    public required long Agents { get; init; }

    /// <summary>Distinct phone numbers (E.164 when they parse) among its events.</summary>
    /// <example>95</example>
    public required long PhoneNumbers { get; init; }

    /// <summary>Failures per UTC day, oldest first.</summary>
    public required IReadOnlyList<IssueDay> Days { get; init; }

    /// <summary>The most recent event.</summary>
    public EventDetails? LatestEvent { get; init; }
}

/// <summary>Failures of one issue on one UTC day.</summary>
public sealed record IssueDay
{
    /// <example>2026-12-04</example>
    public required DateOnly Day { get; init; }

    /// <example>31</example>
    public required long Count { get; init; }
}
