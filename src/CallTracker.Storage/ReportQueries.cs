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
/// The counting behind every report: one GROUP BY over the project's calls in the range, which the
/// (project, occurred_at) index bounds, whatever the table's size; a filter on agent, trunk, code or
/// tag may use its own index instead.
/// </summary>
/// <remarks>
/// Raw SQL, not LINQ: buckets in an IANA time zone are one date_trunc(..., zone) in PostgreSQL (which
/// knows the zones' history), and the grouping columns vary per report. Every piece of SQL text comes from
/// this class; values are always parameters.
/// </remarks>
public sealed class ReportQueries(NpgsqlDataSource dataSource)
{
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
            ReportDimension.Carrier => ("phone_region", "phone_carrier"),
            ReportDimension.Tag => ($"tags ->> {Parameter(grouping.TagKey ?? "")}::text", "NULL::text"),
            _ => ("NULL::text", "NULL::text"),
        };
        // A day is keyed by its local date, not by the instant it starts: where a daylight-saving change
        // skips midnight, that instant is not a whole hour of the day's own offset.
        var (hour, day) = grouping.Interval switch
        {
            ReportInterval.Hour => ($"date_trunc('hour', occurred_at, {Parameter(grouping.TimeZone)}::text)",
                "NULL::date"),
            ReportInterval.Day => ("NULL::timestamptz",
                $"(occurred_at AT TIME ZONE {Parameter(grouping.TimeZone)}::text)::date"),
            _ => ("NULL::timestamptz", "NULL::date"),
        };

        var sql = new StringBuilder($"""
            SELECT response_class, sip_code,
                CASE WHEN sip_code IS NULL THEN coalesce(local_cause, 'unknown') END,
                coalesce(outcome, 'unknown'), {group}, {group2}, {hour}, {day}, count(*)
            FROM call_events
            WHERE project_id = {Parameter(filter.ProjectId)}
                AND occurred_at >= {Parameter(filter.From)} AND occurred_at < {Parameter(filter.To)}
            """);
        void And(string column, object? value)
        {
            if (value is not null)
            {
                sql.Append($" AND {column} = {Parameter(value)}");
            }
        }

        And("agent", filter.Agent);
        And("trunk", filter.Trunk);
        And("coalesce(outcome, 'unknown')", filter.Outcome);
        And("response_class", filter.ResponseClass);
        And("sip_code", filter.SipCode);
        And("phone_region", filter.Country);
        And("phone_carrier", filter.Carrier);
        if (filter.Tags.Count > 0)
        {
            // Containment, so the GIN index on tags serves it: {"campaign": "x"} matches any call with that tag.
            sql.Append($" AND tags @> {Parameter(JsonSerializer.Serialize(filter.Tags))}::jsonb");
        }

        sql.Append(" GROUP BY 1, 2, 3, 4, 5, 6, 7, 8");
        command.CommandText = sql.ToString();

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
