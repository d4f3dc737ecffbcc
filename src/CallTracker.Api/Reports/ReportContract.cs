namespace CallTracker.Api.Reports;

/// <summary>Failed calls in a time range, per response class.</summary>
public sealed record ClassReport
{
    /// <summary>Start of the range (inclusive, UTC).</summary>
    /// <example>2026-12-03T09:00:00Z</example>
    public required DateTimeOffset From { get; init; }

    /// <summary>End of the range (exclusive, UTC).</summary>
    /// <example>2026-12-04T09:00:00Z</example>
    public required DateTimeOffset To { get; init; }

    /// <summary>The agent the report is narrowed to, if any.</summary>
    /// <example>agent-007</example>
    public string? Agent { get; init; }

    /// <summary>Failed calls in the range (answered calls are never counted).</summary>
    /// <example>16</example>
    public required long Total { get; init; }

    /// <summary>3xx, 4xx, 5xx, 6xx and none, always all five and in that order.</summary>
    public required IReadOnlyList<ClassShare> Classes { get; init; }
}

/// <summary>The failed calls of one response class.</summary>
public sealed record ClassShare
{
    /// <summary>The response class: 3xx, 4xx, 5xx, 6xx, or none (the call ended with no final response).</summary>
    /// <example>4xx</example>
    public required string Class { get; init; }

    /// <summary>Failed calls in this class.</summary>
    /// <example>10</example>
    public required long Count { get; init; }

    /// <summary>This class's fraction of all failed calls, 0 to 1, rounded to 4 places.</summary>
    /// <example>0.625</example>
    public required double Share { get; init; }

    /// <summary>The codes in the class, most frequent first.</summary>
    public required IReadOnlyList<CodeShare> Codes { get; init; }

    /// <summary>For class none: what the client saw, most frequent first. Empty for the other classes.</summary>
    public required IReadOnlyList<LocalCauseShare> LocalCauses { get; init; }

    /// <summary>The outcomes of this class's failures (those with a count), shares of the class.</summary>
    public required IReadOnlyList<OutcomeShare> Outcomes { get; init; }
}

/// <summary>Failed calls per outcome in a time range.</summary>
public sealed record OutcomeReport
{
    /// <summary>Start of the range (inclusive, UTC).</summary>
    /// <example>2026-12-03T09:00:00Z</example>
    public required DateTimeOffset From { get; init; }

    /// <summary>End of the range (exclusive, UTC).</summary>
    /// <example>2026-12-04T09:00:00Z</example>
    public required DateTimeOffset To { get; init; }

    /// <summary>The agent the report is narrowed to, if any.</summary>
    /// <example>agent-007</example>
    public string? Agent { get; init; }

    /// <summary>Failed calls in the range.</summary>
    /// <example>16</example>
    public required long Total { get; init; }

    /// <summary>Every failure outcome (all but answered), in a fixed order, zero counts included.</summary>
    public required IReadOnlyList<OutcomeShare> Outcomes { get; init; }
}

/// <summary>The failed calls with one outcome.</summary>
public sealed record OutcomeShare
{
    /// <summary>The outcome's machine name.</summary>
    /// <example>unreachable</example>
    public required string Outcome { get; init; }

    /// <summary>The outcome in words, in the language asked for (en or vi).</summary>
    /// <example>Unreachable (off, no coverage, not registered)</example>
    public required string Label { get; init; }

    /// <summary>Failed calls with this outcome.</summary>
    /// <example>3</example>
    public required long Count { get; init; }

    /// <summary>Fraction of the failures counted (all of them, or the class's), 0 to 1, rounded to 4 places.</summary>
    /// <example>0.1875</example>
    public required double Share { get; init; }

    /// <summary>The response codes that led to this outcome, most frequent first.</summary>
    public required IReadOnlyList<OutcomeCode> Codes { get; init; }
}

/// <summary>How many failures of one outcome had one code.</summary>
public sealed record OutcomeCode
{
    /// <example>480</example>
    public required int Code { get; init; }

    /// <example>2</example>
    public required long Count { get; init; }
}

/// <summary>The failed calls of one response code.</summary>
public sealed record CodeShare
{
    /// <summary>The SIP response code.</summary>
    /// <example>480</example>
    public required int Code { get; init; }

    /// <summary>The code's standard phrase, or null for a code IANA has not registered.</summary>
    /// <example>Temporarily Unavailable</example>
    public string? Phrase { get; init; }

    /// <summary>Failed calls with this code.</summary>
    /// <example>3</example>
    public required long Count { get; init; }

    /// <summary>This code's fraction of its class, 0 to 1, rounded to 4 places.</summary>
    /// <example>0.3</example>
    public required double Share { get; init; }
}

/// <summary>Calls with no final response that ended one way.</summary>
public sealed record LocalCauseShare
{
    /// <summary>
    /// transport_error, request_timeout, media_error, cancelled_before_response, ring_timeout or unknown.
    /// </summary>
    /// <example>transport_error</example>
    public required string LocalCause { get; init; }

    /// <summary>Calls that ended this way.</summary>
    /// <example>2</example>
    public required long Count { get; init; }

    /// <summary>This cause's fraction of class none, 0 to 1, rounded to 4 places.</summary>
    /// <example>1</example>
    public required double Share { get; init; }
}

/// <summary>Failed calls per response code in a time range.</summary>
public sealed record CodeReport
{
    /// <example>2026-12-03T09:00:00Z</example>
    public required DateTimeOffset From { get; init; }

    /// <example>2026-12-04T09:00:00Z</example>
    public required DateTimeOffset To { get; init; }

    /// <summary>Failed calls in the range.</summary>
    /// <example>16</example>
    public required long Total { get; init; }

    /// <summary>Codes (and, for calls with none, local causes), most frequent first.</summary>
    public required IReadOnlyList<CodeRow> Codes { get; init; }
}

/// <summary>The failed calls of one response code, or of one local cause when there was no response.</summary>
public sealed record CodeRow
{
    /// <summary>The SIP response code; null for calls that ended with no final response.</summary>
    /// <example>480</example>
    public int? Code { get; init; }

    /// <summary>The code's standard phrase; null for an unregistered code or no code.</summary>
    /// <example>Temporarily Unavailable</example>
    public string? Phrase { get; init; }

    /// <example>4xx</example>
    public required string Class { get; init; }

    /// <summary>For calls with no code: what the client saw.</summary>
    /// <example>transport_error</example>
    public string? LocalCause { get; init; }

    /// <example>3</example>
    public required long Count { get; init; }

    /// <summary>Fraction of all failures, 0 to 1, rounded to 4 places.</summary>
    /// <example>0.1875</example>
    public required double Share { get; init; }

    /// <summary>The outcomes these calls were given (a Q.850 cause can refine a code), most frequent first.</summary>
    public required IReadOnlyList<OutcomeCount> Outcomes { get; init; }
}

/// <summary>How many calls had one outcome.</summary>
public sealed record OutcomeCount
{
    /// <example>unreachable</example>
    public required string Outcome { get; init; }

    /// <example>2</example>
    public required long Count { get; init; }
}

/// <summary>Calls per agent, trunk, carrier or tag value: failures by outcome, answered calls, ratios.</summary>
public sealed record BreakdownReport
{
    /// <example>2026-12-03T09:00:00Z</example>
    public required DateTimeOffset From { get; init; }

    /// <example>2026-12-04T09:00:00Z</example>
    public required DateTimeOffset To { get; init; }

    /// <summary>agent, trunk, carrier, or tag:key.</summary>
    /// <example>agent</example>
    public required string By { get; init; }

    /// <summary>
    /// False when no answered call is in scope: the project does not send them (or a filter excludes them),
    /// so ASR and NER cannot be known and are null.
    /// </summary>
    /// <example>true</example>
    public required bool AnsweredCallsInScope { get; init; }

    /// <summary>Every call in scope, whatever its row.</summary>
    public required BreakdownRow Total { get; init; }

    /// <summary>One row per value, most failures first.</summary>
    public required IReadOnlyList<BreakdownRow> Rows { get; init; }

    /// <summary>True when there were more rows than the limit.</summary>
    /// <example>false</example>
    public required bool More { get; init; }
}

/// <summary>The calls of one agent, trunk, carrier or tag value (or of them all, for the total).</summary>
public sealed record BreakdownRow
{
    /// <summary>The agent, trunk, carrier or tag value; null for calls that had none (and in the total).</summary>
    /// <example>agent-007</example>
    public string? Value { get; init; }

    /// <summary>For the carrier report: the number's country (ISO 3166 alpha-2).</summary>
    /// <example>VN</example>
    public string? Country { get; init; }

    /// <summary>Failed calls.</summary>
    /// <example>12</example>
    public required long Failures { get; init; }

    /// <summary>Answered calls (2xx), when the project sends them.</summary>
    /// <example>30</example>
    public required long Answered { get; init; }

    /// <summary>Failures plus answered calls.</summary>
    /// <example>42</example>
    public required long Attempts { get; init; }

    /// <summary>Answer-seizure ratio: answered / attempts, 0 to 1; null when no answered call is in scope.</summary>
    /// <example>0.7143</example>
    public double? Asr { get; init; }

    /// <summary>
    /// Network effectiveness ratio (ITU-T E.425): calls the network delivered / attempts, 0 to 1; null when no
    /// answered call is in scope.
    /// </summary>
    /// <example>0.9524</example>
    public double? Ner { get; init; }

    /// <summary>Failures per outcome: every failure outcome, zero counts included.</summary>
    public required IReadOnlyDictionary<string, long> Outcomes { get; init; }
}

/// <summary>Failed calls per hour or day in a time zone.</summary>
public sealed record Timeseries
{
    /// <example>2026-12-03T17:00:00Z</example>
    public required DateTimeOffset From { get; init; }

    /// <example>2026-12-04T17:00:00Z</example>
    public required DateTimeOffset To { get; init; }

    /// <summary>hour or day.</summary>
    /// <example>hour</example>
    public required string Interval { get; init; }

    /// <summary>The IANA zone of the buckets.</summary>
    /// <example>Asia/Ho_Chi_Minh</example>
    public required string TimeZone { get; init; }

    /// <summary>class, outcome or code.</summary>
    /// <example>class</example>
    public required string GroupBy { get; init; }

    /// <summary>False when no answered call is in scope; the ratios are null then.</summary>
    /// <example>true</example>
    public required bool AnsweredCallsInScope { get; init; }

    /// <summary>
    /// The keys of every bucket's counts, in order: the five failure classes, every failure outcome, or the
    /// codes seen (most frequent first, <c>none</c> for calls with no code).
    /// </summary>
    public required IReadOnlyList<string> Keys { get; init; }

    /// <summary>Every bucket of the range, oldest first, empty ones included.</summary>
    public required IReadOnlyList<TimeBucket> Buckets { get; init; }
}

/// <summary>One hour or day.</summary>
public sealed record TimeBucket
{
    /// <summary>When the bucket starts, ISO 8601 with the zone's offset at that time.</summary>
    /// <example>2026-12-04T00:00:00+07:00</example>
    public required string Start { get; init; }

    /// <example>5</example>
    public required long Failures { get; init; }

    /// <example>20</example>
    public required long Answered { get; init; }

    /// <summary>Answered / attempts; null when no answered call is in scope or the bucket has no call.</summary>
    /// <example>0.8</example>
    public double? Asr { get; init; }

    /// <summary>Effective / attempts; null when no answered call is in scope or the bucket has no call.</summary>
    /// <example>0.96</example>
    public double? Ner { get; init; }

    /// <summary>Failures per key (see keys), zero counts included.</summary>
    public required IReadOnlyDictionary<string, long> Counts { get; init; }
}

/// <summary>Answer-seizure and network effectiveness ratios over a range.</summary>
public sealed record RatioReport
{
    /// <example>2026-12-03T09:00:00Z</example>
    public required DateTimeOffset From { get; init; }

    /// <example>2026-12-04T09:00:00Z</example>
    public required DateTimeOffset To { get; init; }

    /// <summary>False when no answered call is in scope; the ratios are null then.</summary>
    /// <example>true</example>
    public required bool AnsweredCallsInScope { get; init; }

    /// <summary>Every call reported: answered plus failed.</summary>
    /// <example>200</example>
    public required long Attempts { get; init; }

    /// <example>120</example>
    public required long Answered { get; init; }

    /// <summary>Calls the network delivered: answered, busy, no answer, declined, unreachable, ... .</summary>
    /// <example>190</example>
    public required long Effective { get; init; }

    /// <example>80</example>
    public required long Failures { get; init; }

    /// <summary>answered / attempts, 0 to 1, rounded to 4 places.</summary>
    /// <example>0.6</example>
    public double? Asr { get; init; }

    /// <summary>effective / attempts, 0 to 1, rounded to 4 places.</summary>
    /// <example>0.95</example>
    public double? Ner { get; init; }
}
