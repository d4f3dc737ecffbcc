using System.Collections.Concurrent;
using CallTracker.Storage.Entities;
using Npgsql;

namespace CallTracker.Api.Alerts;

/// <summary>What a minute counter counts by: the dimensions an alert rule may filter on.</summary>
/// <param name="SipCode">The final response's code; null for a call that ended with none.</param>
/// <param name="LocalCause">Why a call without a final response ended; null otherwise.</param>
public sealed record CounterKey(
    string Outcome, string ResponseClass, int? SipCode, string? LocalCause, string? Agent, string? Trunk);

/// <summary>Counts over a window: the events a filter matched, every attempt, and what the matches were.</summary>
public sealed record WindowCount(
    long Matching, long Attempts, IReadOnlyList<(CounterKey Key, long Count)> MatchingByKey);

/// <summary>
/// Events per project and minute (by when the call ended), for the alert rules' windows: counted as each batch
/// commits, so that evaluating a rule reads at most a day of minutes, whatever the event volume; never the
/// events. Answered calls are counted too: a rule on the share of failures needs every attempt.
/// </summary>
/// <remarks>
/// In this instance's memory, rebuilt from the events of the horizon at start (one grouped query per
/// project through the (project, occurred_at) key). With several instances behind a load balancer each sees
/// only its own events: a minute rollup in PostgreSQL, upserted in the writer's statement like the hourly
/// ones, is the step that makes windows exact there (docs/SCALING.md).
/// TODO: tags are not counted (a rule with a tag filter cannot use these counters); keep them only for the
/// tag keys some rule filters on, since a CRM may put a unique id in a tag.
/// </remarks>
public sealed class MinuteCounters(TimeProvider clock)
{
    /// <summary>The longest window a rule may have, and so how long minutes are kept: a day.</summary>
    public static readonly TimeSpan Horizon = TimeSpan.FromDays(1);

    private readonly ConcurrentDictionary<int, ProjectMinutes> projects = new();

    /// <summary>Counts newly stored events (not duplicates: the writer knows which were new).</summary>
    public void Add(IEnumerable<CallEvent> stored)
    {
        var oldest = Minute(clock.GetUtcNow() - Horizon);
        foreach (var call in stored)
        {
            var minute = Minute(call.OccurredAt);
            if (minute >= oldest)
            {
                projects.GetOrAdd(call.ProjectId, _ => new ProjectMinutes()).Add(minute, KeyOf(call), 1);
            }
        }
    }

    /// <summary>
    /// The events of a project in the minutes that start at or after <paramref name="from"/> and before
    /// <paramref name="to"/>, those <paramref name="matches"/> accepts among them, and every attempt.
    /// </summary>
    public WindowCount Count(int projectId, DateTimeOffset from, DateTimeOffset to, Func<CounterKey, bool> matches)
    {
        if (!projects.TryGetValue(projectId, out var minutes))
        {
            return new WindowCount(0, 0, []);
        }

        var byKey = new Dictionary<CounterKey, long>();
        long attempts = 0;
        foreach (var (key, count) in minutes.Between(Minute(from), Minute(to)))
        {
            attempts += count;
            if (matches(key))
            {
                byKey[key] = byKey.GetValueOrDefault(key) + count;
            }
        }

        var matching = byKey.Values.Sum();
        return new WindowCount(matching, attempts,
            byKey.OrderByDescending(entry => entry.Value).Select(entry => (entry.Key, entry.Value)).ToList());
    }

    /// <summary>Forgets the minutes older than the horizon; the evaluator calls it once per round.</summary>
    public void Prune()
    {
        var oldest = Minute(clock.GetUtcNow() - Horizon);
        foreach (var minutes in projects.Values)
        {
            minutes.RemoveBefore(oldest);
        }
    }

    /// <summary>
    /// Counts again the events of the horizon from the database, at start: what the instance counted before
    /// it stopped is gone with its memory.
    /// </summary>
    public async Task RebuildAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT date_trunc('minute', occurred_at), coalesce(outcome, 'unknown'), response_class, sip_code,
                local_cause, agent, trunk, count(*)
            FROM call_events
            WHERE project_id = $1 AND occurred_at >= $2
            GROUP BY 1, 2, 3, 4, 5, 6, 7
            """;
        var since = clock.GetUtcNow() - Horizon;
        var projectIds = new List<int>();
        await using (var list = dataSource.CreateCommand("SELECT id FROM projects"))
        await using (var reader = await list.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                projectIds.Add(reader.GetInt32(0));
            }
        }

        foreach (var projectId in projectIds)
        {
            var minutes = new ProjectMinutes();
            await using var command = dataSource.CreateCommand(sql);
            command.Parameters.Add(new NpgsqlParameter { Value = projectId });
            command.Parameters.Add(new NpgsqlParameter { Value = since.ToUniversalTime() });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var key = new CounterKey(reader.GetString(1), reader.GetString(2),
                    reader.IsDBNull(3) ? null : reader.GetInt32(3), reader.IsDBNull(4) ? null : reader.GetString(4),
                    reader.IsDBNull(5) ? null : reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6));
                minutes.Add(Minute(reader.GetFieldValue<DateTimeOffset>(0)), key, reader.GetInt64(7));
            }

            projects[projectId] = minutes;
        }
    }

    private static CounterKey KeyOf(CallEvent call) => new(
        call.Outcome ?? "unknown", call.ResponseClass, call.SipCode, call.SipCode is null ? call.LocalCause : null,
        call.Agent, call.Trunk);

    private static long Minute(DateTimeOffset at) => at.ToUnixTimeSeconds() / 60;

    /// <summary>One project's minutes; a lock each, since batches of one project are rare at the same moment.</summary>
    private sealed class ProjectMinutes
    {
        private readonly SortedDictionary<long, Dictionary<CounterKey, long>> minutes = [];

        public void Add(long minute, CounterKey key, long count)
        {
            lock (minutes)
            {
                if (!minutes.TryGetValue(minute, out var counts))
                {
                    minutes[minute] = counts = [];
                }

                counts[key] = counts.GetValueOrDefault(key) + count;
            }
        }

        public List<(CounterKey Key, long Count)> Between(long from, long to)
        {
            lock (minutes)
            {
                return minutes.Where(minute => minute.Key >= from && minute.Key < to)
                    .SelectMany(minute => minute.Value.Select(entry => (entry.Key, entry.Value)))
                    .ToList();
            }
        }

        public void RemoveBefore(long oldest)
        {
            lock (minutes)
            {
                foreach (var minute in minutes.Keys.TakeWhile(minute => minute < oldest).ToList())
                {
                    minutes.Remove(minute);
                }
            }
        }
    }
}
