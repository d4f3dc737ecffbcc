using System.Text;
using System.Text.Json;
using Npgsql;

namespace CallTracker.Storage;

/// <summary>
/// What every report is narrowed to: a project, a range [From, To) of the time calls ended, and any of
/// the optional filters. Answered calls are counted too; the failure reports leave them out themselves.
/// </summary>
public sealed record ReportFilter(int ProjectId, DateTimeOffset From, DateTimeOffset To)
{
    public string? Agent { get; init; }

    public string? Trunk { get; init; }

    public string? Outcome { get; init; }

    public string? ResponseClass { get; init; }

    public int? SipCode { get; init; }

    /// <summary>The number's ISO 3166 region, as libphonenumber gives it (VN, DE, ...).</summary>
    public string? Country { get; init; }

    /// <summary>The operator the number's range was allocated to, as libphonenumber names it.</summary>
    public string? Carrier { get; init; }

    /// <summary>Tags the call must have, each with exactly this value.</summary>
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();
}

/// <summary>What a report is broken down by, besides class, code and outcome, which every row carries.</summary>
public enum ReportDimension
{
    None,
    Agent,
    Trunk,

    /// <summary>The number's country and carrier together: one carrier name may exist in two countries.</summary>
    Carrier,
    Tag,
}

/// <summary>How to break a report down: by a dimension (a tag's key for Tag), and into time buckets.</summary>
public sealed record ReportGrouping(
    ReportDimension Dimension = ReportDimension.None,
    string? TagKey = null,
    ReportInterval? Interval = null,
    string TimeZone = "UTC");

public enum ReportInterval
{
    Hour,
    Day,
}

/// <summary>
/// Calls with one class, code, local cause (for calls with no code) and outcome, in one group (and, for the
/// carrier report, one carrier of that country) and one bucket when the report asked for them: an hour as
/// the instant it starts, a day as the local date.
/// </summary>
public sealed record ReportRow(
    string ResponseClass, int? SipCode, string? LocalCause, string Outcome, string? Group, string? Carrier,
    DateTimeOffset? Hour, DateOnly? Day, long Count);

/// <summary>
/// The counting behind every report. Whole UTC hours are read from the hourly rollups (rows per hour, not
/// per event), whole UTC days from the daily ones; a partial hour at an end of the range is counted from its
/// events, or as its hour's row less the events of the rest of that hour (a range that ends now has no
/// rest); every report that needs what the rollups do not keep (a tag) is counted from the events, which the
/// (project, occurred_at) key bounds to the range.
/// </summary>
/// <remarks>
/// Raw SQL, not LINQ: buckets in an IANA time zone are one date_trunc(..., zone) in PostgreSQL (which
/// knows the zones' history), and the grouping columns vary per report. Every piece of SQL text comes from
/// this class; values are always parameters. Hour and day buckets come from the rollups only in a zone
/// whose offsets are whole hours: a local hour of India (+05:30) or Nepal (+05:45) cuts UTC hours in two.
/// </remarks>
public sealed class ReportQueries(NpgsqlDataSource dataSource, TimeProvider clock)
{
    // The same columns from either source, under the same names; a rollup keeps a missing value as 0 or ''.
    private const string RollupColumns = """
        response_class, nullif(sip_code, 0) AS sip_code, nullif(local_cause, '') AS local_cause, outcome,
        nullif(agent, '') AS agent, nullif(trunk, '') AS trunk, nullif(country, '') AS country,
        nullif(carrier, '') AS carrier, NULL::text AS tag_value, period_start AS at, count AS calls
        """;

    private static string EventColumns(string tagValue, int sign = 1, string at = "occurred_at") => $"""
        response_class, sip_code, CASE WHEN sip_code IS NULL THEN coalesce(local_cause, 'unknown') END AS local_cause,
        coalesce(outcome, 'unknown') AS outcome, agent, trunk, phone_region AS country, phone_carrier AS carrier,
        {tagValue} AS tag_value, {at} AS at, {sign} AS calls
        """;

    /// <summary>
    /// The rollups' dimension set that holds what the report filters and groups by: 0 (base), 1 (agent),
    /// 2 (trunk), 3 (country and carrier); null when it needs two of them, or a tag, or hour buckets that
    /// are not UTC hours (a zone with a half-hour offset), and is counted from the events.
    /// </summary>
    public static short? RollupSet(ReportFilter filter, ReportGrouping grouping, TimeZoneInfo zone)
    {
        if (filter.Tags.Count > 0 || grouping.Dimension == ReportDimension.Tag
            || (grouping.Interval is not null && !IsWholeHourZone(zone)))
        {
            return null;
        }

        var sets = new HashSet<short>();
        if (filter.Agent is not null || grouping.Dimension == ReportDimension.Agent)
        {
            sets.Add(1);
        }

        if (filter.Trunk is not null || grouping.Dimension == ReportDimension.Trunk)
        {
            sets.Add(2);
        }

        if (filter.Country is not null || filter.Carrier is not null || grouping.Dimension == ReportDimension.Carrier)
        {
            sets.Add(3);
        }

        return sets.Count switch
        {
            0 => 0,
            1 => sets.Single(),
            _ => null,
        };
    }

    public async Task<List<ReportRow>> CountAsync(
        ReportFilter filter, ReportGrouping grouping, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand();
        var parameters = command.Parameters;
        string Parameter(object value)
        {
            parameters.Add(new NpgsqlParameter { Value = value });
            return $"${parameters.Count}";
        }

        var (group, group2) = grouping.Dimension switch
        {
            ReportDimension.Agent => ("agent", "NULL::text"),
            ReportDimension.Trunk => ("trunk", "NULL::text"),
            ReportDimension.Carrier => ("country", "carrier"),
            ReportDimension.Tag => ("tag_value", "NULL::text"),
            _ => ("NULL::text", "NULL::text"),
        };

        // A day is keyed by its local date, not by the instant it starts: where a daylight-saving change
        // skips midnight, that instant is not a whole hour of the day's own offset.
        var (hour, day) = grouping.Interval switch
        {
            ReportInterval.Hour => ($"date_trunc('hour', at, {Parameter(grouping.TimeZone)}::text)", "NULL::date"),
            ReportInterval.Day => ("NULL::timestamptz",
                $"(at AT TIME ZONE {Parameter(grouping.TimeZone)}::text)::date"),
            _ => ("NULL::timestamptz", "NULL::date"),
        };

        var zone = TimeZoneInfo.FindSystemTimeZoneById(grouping.TimeZone);
        var tagValue = grouping.Dimension == ReportDimension.Tag
            ? $"tags ->> {Parameter(grouping.TagKey ?? "")}::text"
            : "NULL::text";
        var project = Parameter(filter.ProjectId);
        string source;
        if (RollupSet(filter, grouping, zone) is { } set)
        {
            // Hour buckets from rollups are in a zone of whole-hour offsets, whose hours are UTC hours: a row's
            // hour is its bucket, and an event's is its UTC hour, without converting every row to the zone.
            var eventTime = "occurred_at";
            if (grouping.Interval == ReportInterval.Hour)
            {
                hour = "at";
                eventTime = "date_trunc('hour', occurred_at, 'UTC')";
            }

            // Whole UTC days from the daily rows (unless the report buckets by hour or local day), the whole
            // hours around them from the hourly rows, and the partial hours at the ends from the events, or
            // from their hour's row less the events of the hour outside the range, whichever counts fewer.
            var (firstHour, endHour) = WholeHours(filter.From, filter.To);
            var (firstDay, endDay) = grouping.Interval is null ? WholeDays(firstHour, endHour) : (endHour, endHour);
            var events = new List<(DateTimeOffset From, DateTimeOffset To, int Sign)>();
            var complementedHours = new List<DateTimeOffset>();
            if (firstHour == endHour)
            {
                events.Add((filter.From, filter.To, 1));
            }
            else
            {
                var now = clock.GetUtcNow();
                PartialHour(firstHour.AddHours(-1), filter.From, firstHour, now, events, complementedHours);
                PartialHour(endHour, endHour, filter.To, now, events, complementedHours);
            }

            var daysFrom = Parameter(firstDay);
            var daysTo = Parameter(endDay);
            var sources = new List<string>
            {
                $"""
                SELECT {RollupColumns} FROM call_rollups
                WHERE project_id = {project} AND dimension_set = {Parameter(set)}
                    AND (grain = 'h' AND (period_start >= {Parameter(firstHour)} AND period_start < {daysFrom}
                            OR period_start >= {daysTo} AND period_start < {Parameter(endHour)}
                            OR period_start = ANY({Parameter(complementedHours.ToArray())}))
                        OR grain = 'd' AND period_start >= {daysFrom} AND period_start < {daysTo})
                    {Filters(filter, Parameter, rollup: true)}
                """,
            };
            sources.AddRange(events.Select(range => $"""
                SELECT {EventColumns(tagValue, range.Sign, eventTime)} FROM call_events
                WHERE project_id = {project} AND occurred_at >= {Parameter(range.From)}
                    AND occurred_at < {Parameter(range.To)}
                    {Filters(filter, Parameter, rollup: false)}
                """));
            source = string.Join("\nUNION ALL\n", sources);
        }
        else
        {
            source = $"""
                SELECT {EventColumns(tagValue)} FROM call_events
                WHERE project_id = {project}
                    AND occurred_at >= {Parameter(filter.From)} AND occurred_at < {Parameter(filter.To)}
                    {Filters(filter, Parameter, rollup: false)}
                """;
        }

        command.CommandText = $"""
            SELECT response_class, sip_code, local_cause, outcome, {group}, {group2}, {hour}, {day}, sum(calls)::bigint
            FROM ({source}) AS counted
            GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
            HAVING sum(calls) <> 0
            """;

        var rows = new List<ReportRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new ReportRow(
                reader.GetString(0),
                reader.IsDBNull(1) ? null : reader.GetInt32(1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
                reader.IsDBNull(7) ? null : reader.GetFieldValue<DateOnly>(7),
                reader.GetInt64(8)));
        }

        return rows;
    }

    /// <summary>The filter as SQL conditions on the rollups' or the events' columns.</summary>
    private static string Filters(ReportFilter filter, Func<object, string> parameter, bool rollup)
    {
        var sql = new StringBuilder();
        void And(string column, object? value)
        {
            if (value is not null)
            {
                sql.Append($" AND {column} = {parameter(value)}");
            }
        }

        And("agent", filter.Agent);
        And("trunk", filter.Trunk);
        And(rollup ? "outcome" : "coalesce(outcome, 'unknown')", filter.Outcome);
        And("response_class", filter.ResponseClass);
        And("sip_code", filter.SipCode);
        And(rollup ? "country" : "phone_region", filter.Country);
        And(rollup ? "carrier" : "phone_carrier", filter.Carrier);
        if (filter.Tags.Count > 0)
        {
            // Containment, so the GIN index on tags serves it: {"campaign": "x"} matches any call with that tag.
            sql.Append($" AND tags @> {parameter(JsonSerializer.Serialize(filter.Tags))}::jsonb");
        }

        return sql.ToString();
    }

    /// <summary>
    /// The whole UTC hours of [from, to): from the first hour boundary at or after from to the last one at or
    /// before to. A range inside one hour has none (both ends at to), and is counted from the events alone.
    /// </summary>
    private static (DateTimeOffset First, DateTimeOffset End) WholeHours(DateTimeOffset from, DateTimeOffset to)
    {
        var hour = TimeSpan.TicksPerHour;
        var first = new DateTimeOffset((from.UtcTicks + hour - 1) / hour * hour, TimeSpan.Zero);
        var end = new DateTimeOffset(to.UtcTicks / hour * hour, TimeSpan.Zero);
        return first < end ? (first, end) : (to, to);
    }

    /// <summary>
    /// How to count the part [keptFrom, keptTo) of the UTC hour that starts at <paramref name="hour"/>: from its
    /// events, or from the hour's rollup row less the events of the rest of the hour, when the rest is shorter
    /// or lies in the future (a range that ends now: the hour's row holds exactly the events so far).
    /// </summary>
    private static void PartialHour(
        DateTimeOffset hour, DateTimeOffset keptFrom, DateTimeOffset keptTo, DateTimeOffset now,
        List<(DateTimeOffset From, DateTimeOffset To, int Sign)> events, List<DateTimeOffset> complementedHours)
    {
        if (keptFrom >= keptTo)
        {
            return;
        }

        var (restFrom, restTo) = keptFrom == hour ? (keptTo, hour.AddHours(1)) : (hour, keptFrom);
        var restPast = (restTo < now ? restTo : now) - restFrom;
        if (restPast >= keptTo - keptFrom)
        {
            events.Add((keptFrom, keptTo, 1));
            return;
        }

        complementedHours.Add(hour);
        events.Add((restFrom, restTo, -1));
    }

    /// <summary>
    /// The whole UTC days inside the whole hours [first, end); none (both at end) when there is not one, so
    /// that the hourly rows then cover the range alone.
    /// </summary>
    private static (DateTimeOffset First, DateTimeOffset End) WholeDays(DateTimeOffset first, DateTimeOffset end)
    {
        var day = TimeSpan.TicksPerDay;
        var firstDay = new DateTimeOffset((first.UtcTicks + day - 1) / day * day, TimeSpan.Zero);
        var endDay = new DateTimeOffset(end.UtcTicks / day * day, TimeSpan.Zero);
        return firstDay < endDay ? (firstDay, endDay) : (end, end);
    }

    /// <summary>
    /// A zone whose offsets (standard and daylight) since 2000 are whole hours, so that its hours are UTC
    /// hours. Earlier rules are left out: most zones had a local mean time offset once (+07:06:40 for Saigon).
    /// </summary>
    private static bool IsWholeHourZone(TimeZoneInfo zone) =>
        zone.BaseUtcOffset.Ticks % TimeSpan.TicksPerHour == 0
        && zone.GetAdjustmentRules().Where(rule => rule.DateEnd.Year >= 2000).All(rule =>
            rule.DaylightDelta.Ticks % TimeSpan.TicksPerHour == 0
            && (zone.BaseUtcOffset + rule.BaseUtcOffsetDelta).Ticks % TimeSpan.TicksPerHour == 0);

    /// <summary>
    /// The start of every hour of the zone that overlaps [from, to), in order. PostgreSQL computes them, so
    /// that they match the hours <see cref="CountAsync"/> counts into exactly; they step in absolute time, so
    /// a local hour that repeats on a daylight-saving change is two buckets.
    /// </summary>
    public async Task<List<DateTimeOffset>> HoursAsync(
        DateTimeOffset from, DateTimeOffset to, string timeZone, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT generate_series(date_trunc('hour', $1, $3::text), $2 - interval '1 microsecond', interval '1 hour')
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = from });
        command.Parameters.Add(new NpgsqlParameter { Value = to });
        command.Parameters.Add(new NpgsqlParameter { Value = timeZone });

        var hours = new List<DateTimeOffset>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            hours.Add(reader.GetFieldValue<DateTimeOffset>(0));
        }

        return hours;
    }
}
