using System.Collections.Concurrent;
using System.Text.Json;
using CallTracker.Storage.Entities;
using Npgsql;

namespace CallTracker.Api.Alerts;

/// <summary>What a minute counter counts by: the dimensions an alert rule may filter on.</summary>
/// <param name="SipCode">The final response's code; null for a call that ended with none.</param>
/// <param name="LocalCause">Why a call without a final response ended; null otherwise.</param>
/// <param name="Tags">The event's tags that some rule filters on, as <see cref="TagPairs.Encode"/> writes them;
/// empty when none.</param>
public sealed record CounterKey(
    string Outcome, string ResponseClass, int? SipCode, string? LocalCause, string? Agent, string? Trunk,
    string Tags = "");

/// <summary>
/// Tag pairs in one string, so that a counter key with tags keeps value equality: each pair is
/// <c>key U+001F value</c>, pairs sorted by key (ordinal) and ended by U+001E. A rule's keys and values have
/// no control characters (AlertRuleValidation), so the separators cannot occur in them.
/// </summary>
public static class TagPairs
{
    public static string Encode(IEnumerable<KeyValuePair<string, string>> pairs) => string.Concat(pairs
        .OrderBy(pair => pair.Key, StringComparer.Ordinal).ThenBy(pair => pair.Value, StringComparer.Ordinal)
        .Select(pair => $"{pair.Key}\u001F{pair.Value}\u001E"));

    /// <summary>Whether every pair of <paramref name="wanted"/> is among <paramref name="encoded"/>.</summary>
    public static bool ContainsAll(string encoded, IReadOnlyDictionary<string, string> wanted) =>
        wanted.All(pair => encoded.StartsWith($"{pair.Key}\u001F{pair.Value}\u001E", StringComparison.Ordinal)
            || encoded.Contains($"\u001E{pair.Key}\u001F{pair.Value}\u001E", StringComparison.Ordinal));
}

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
/// Tags are counted only for the (key, value) pairs some enabled rule filters on (<see cref="Watch"/>): a CRM may
/// put a unique id in a tag, and counting every value would grow with the events. A pair is counted from the
/// round that first sees its rule, and again from the database at the next start.
/// </remarks>
public sealed class MinuteCounters(TimeProvider clock)
{
    /// <summary>The longest window a rule may have, and so how long minutes are kept: a day.</summary>
    public static readonly TimeSpan Horizon = TimeSpan.FromDays(1);

    private readonly ConcurrentDictionary<int, ProjectMinutes> projects = new();

    // Per project, the tag pairs rules filter on: key -> values. Replaced whole, so readers need no lock.
    private volatile Dictionary<int, Dictionary<string, HashSet<string>>> watched = [];

    /// <summary>
    /// The tag pairs the enabled rules filter on, per project; the evaluator sets them each round, from then on
    /// events carrying them are counted with them.
    /// </summary>
    public void Watch(IEnumerable<(int ProjectId, Dictionary<string, string> Tags)> filters) =>
        watched = filters.Where(filter => filter.Tags.Count > 0)
            .GroupBy(filter => filter.ProjectId)
            .ToDictionary(project => project.Key, project => project.SelectMany(filter => filter.Tags)
                .GroupBy(pair => pair.Key, StringComparer.Ordinal)
                .ToDictionary(key => key.Key, key => key.Select(pair => pair.Value).ToHashSet(StringComparer.Ordinal),
                    StringComparer.Ordinal));

    /// <summary>Counts newly stored events (not duplicates: the writer knows which were new).</summary>
    public void Add(IEnumerable<CallEvent> stored)
    {
        var oldest = Minute(clock.GetUtcNow() - Horizon);
        var tagRules = watched;
        foreach (var call in stored)
        {
            var minute = Minute(call.OccurredAt);
            if (minute >= oldest)
            {
                var tags = tagRules.TryGetValue(call.ProjectId, out var pairs) ? WatchedTags(call.Tags, pairs) : "";
                projects.GetOrAdd(call.ProjectId, _ => new ProjectMinutes()).Add(minute, KeyOf(call, tags), 1);
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
        // The watched tag pairs an event carries, in TagPairs' encoding: the pairs come sorted as Encode sorts
        // them, and string_agg keeps their order.
        const string sql = """
            SELECT minute, outcome, response_class, sip_code, local_cause, agent, trunk, tag_pairs, count(*)
            FROM (
                SELECT date_trunc('minute', occurred_at) AS minute, coalesce(outcome, 'unknown') AS outcome,
                    response_class, sip_code, agent, trunk,
                    CASE WHEN sip_code IS NULL THEN local_cause END AS local_cause,
                    coalesce((SELECT string_agg(pair.key || chr(31) || pair.value || chr(30), '' ORDER BY pair.n)
                        FROM unnest($3::text[], $4::text[]) WITH ORDINALITY AS pair (key, value, n)
                        WHERE call_events.tags ->> pair.key = pair.value), '') AS tag_pairs
                FROM call_events
                WHERE project_id = $1 AND occurred_at >= $2
            ) AS event
            GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
            """;
        var since = clock.GetUtcNow() - Horizon;
        foreach (var projectId in await Storage.ProjectIds.AllAsync(dataSource, cancellationToken))
        {
            var minutes = new ProjectMinutes();
            var pairs = (watched.TryGetValue(projectId, out var keys) ? keys : [])
                .SelectMany(key => key.Value.Select(value => KeyValuePair.Create(key.Key, value)))
                .OrderBy(pair => pair.Key, StringComparer.Ordinal).ThenBy(pair => pair.Value, StringComparer.Ordinal)
                .ToList();
            await using var command = dataSource.CreateCommand(sql);
            command.Parameters.Add(new NpgsqlParameter { Value = projectId });
            command.Parameters.Add(new NpgsqlParameter { Value = since.ToUniversalTime() });
            command.Parameters.Add(new NpgsqlParameter { Value = pairs.Select(pair => pair.Key).ToArray() });
            command.Parameters.Add(new NpgsqlParameter { Value = pairs.Select(pair => pair.Value).ToArray() });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var key = new CounterKey(reader.GetString(1), reader.GetString(2),
                    reader.IsDBNull(3) ? null : reader.GetInt32(3), reader.IsDBNull(4) ? null : reader.GetString(4),
                    reader.IsDBNull(5) ? null : reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6),
                    reader.GetString(7));
                minutes.Add(Minute(reader.GetFieldValue<DateTimeOffset>(0)), key, reader.GetInt64(8));
            }

            projects[projectId] = minutes;
        }
    }

    private static CounterKey KeyOf(CallEvent call, string tags) => new(
        call.Outcome ?? "unknown", call.ResponseClass, call.SipCode, call.SipCode is null ? call.LocalCause : null,
        call.Agent, call.Trunk, tags);

    /// <summary>The pairs of an event's tags (a JSON object of strings, as stored) that rules watch.</summary>
    private static string WatchedTags(string json, Dictionary<string, HashSet<string>> pairs)
    {
        var found = new List<KeyValuePair<string, string>>();
        var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(json));
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1
                && pairs.TryGetValue(reader.GetString()!, out var values))
            {
                var key = reader.GetString()!;
                reader.Read();
                if (reader.TokenType == JsonTokenType.String && reader.GetString() is { } value
                    && values.Contains(value))
                {
                    found.Add(KeyValuePair.Create(key, value));
                }
            }
        }

        return found.Count == 0 ? "" : TagPairs.Encode(found);
    }

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
