using CallTracker.Storage.Entities;
using Npgsql;
using NpgsqlTypes;

namespace CallTracker.Storage;

/// <summary>Stores accepted events; an event id already stored in the project is skipped, not an error.</summary>
public sealed class EventWriter(NpgsqlDataSource dataSource)
{
    // Raw Npgsql, not EF: EF has no INSERT ... ON CONFLICT, and catching unique violations per row would
    // turn every retried batch into an error path. unnest() keeps the parameter count fixed (one array per
    // column) whatever the batch size: one multi-row insert per batch.
    //
    // One statement claims the event ids (event_ids: the one place an id is unique per project, so that the
    // event tables can later take time partitions), stores the events whose ids were free, and counts only
    // those into their issues and hourly rollups. ON CONFLICT DO UPDATE serialises concurrent writers on an
    // issue's or rollup's row, so there are no lost updates and never two issues for one fingerprint. A new
    // event reopens a resolved issue and marks a regression unless the issue is customer behaviour (and the
    // project has not asked for those too). Rows are taken in key order, so that two writers touching the
    // same rows cannot deadlock.
    // What every rollup row is, from events: each event counted once per grain (UTC hour, UTC day) and per
    // dimension set (0 base, 1 with agent, 2 with trunk, 3 with country and carrier); a dimension outside its
    // set is '' or 0, so that it is part of the key. Used by ingestion and by the rebuild, so both agree.
    private const string RollupSelect = """
        SELECT project_id, grain, dimension_set,
            date_trunc(CASE grain WHEN 'h' THEN 'hour' ELSE 'day' END, occurred_at, 'UTC'),
            response_class, coalesce(sip_code, 0),
            CASE WHEN sip_code IS NULL THEN coalesce(local_cause, 'unknown') ELSE '' END,
            CASE WHEN dimension_set = 0 THEN coalesce(q850_cause, 0) ELSE 0 END,
            coalesce(outcome, 'unknown'),
            CASE WHEN dimension_set = 1 THEN coalesce(agent, '') ELSE '' END,
            CASE WHEN dimension_set = 2 THEN coalesce(trunk, '') ELSE '' END,
            CASE WHEN dimension_set = 3 THEN coalesce(phone_region, '') ELSE '' END,
            CASE WHEN dimension_set = 3 THEN coalesce(phone_carrier, '') ELSE '' END,
            count(*)
        """;

    private const string InsertSql = $$"""
        WITH input AS (
            SELECT * FROM unnest(
                $1::integer[], $2::uuid[], $3::timestamptz[], $4::timestamptz[], $5::timestamptz[], $6::integer[],
                $7::text[], $8::text[], $9::text[], $10::text[], $11::integer[], $12::text[],
                $13::jsonb[], $14::text[], $15::text[], $16::text[], $17::text[], $18::text[], $19::text[],
                $20::boolean[], $21::integer[], $22::integer[], $23::jsonb[], $24::jsonb[], $25::boolean[],
                $26::text[], $27::text[], $28::integer[], $29::jsonb[], $30::jsonb[], $31::integer[],
                $32::text[], $33::text[], $34::text[], $35::boolean[], $36::text[], $37::text[], $38::boolean[],
                $39::text[], $40::text[], $41::text[], $42::boolean[])
            AS event(
                project_id, event_id, occurred_at, reported_occurred_at, received_at, sip_code,
                response_class, reason_phrase, local_cause, reason_protocol, reason_cause, reason_text,
                headers, sip_message, phone_number, agent, call_id, direction, trunk,
                ringing, post_dial_delay_ms, ring_duration_ms, tags, extra, nul_removed,
                outcome, outcome_basis, q850_cause, reasons, sip_warnings, retry_after_seconds,
                phone_e164, phone_region, phone_type, phone_valid, phone_carrier, phone_extension, phone_converted,
                phone_problem, fingerprint, issue_title, customer_behaviour)
        ),
        claimed AS (
            INSERT INTO event_ids (project_id, event_id, kind)
            SELECT project_id, event_id, 'call' FROM input ORDER BY project_id, event_id
            ON CONFLICT (project_id, event_id) DO NOTHING
            RETURNING project_id, event_id
        ),
        kept AS (
            SELECT input.* FROM input JOIN claimed USING (project_id, event_id)
        ),
        inserted AS (
            INSERT INTO call_events (
                project_id, event_id, occurred_at, reported_occurred_at, received_at, sip_code,
                response_class, reason_phrase, local_cause, reason_protocol, reason_cause, reason_text,
                headers, sip_message, phone_number, agent, call_id, direction, trunk,
                ringing, post_dial_delay_ms, ring_duration_ms, tags, extra, nul_removed,
                outcome, outcome_basis, q850_cause, reasons, sip_warnings, retry_after_seconds,
                phone_e164, phone_region, phone_type, phone_valid, phone_carrier, phone_extension, phone_converted,
                phone_problem, fingerprint)
            SELECT
                project_id, event_id, occurred_at, reported_occurred_at, received_at, sip_code,
                response_class, reason_phrase, local_cause, reason_protocol, reason_cause, reason_text,
                headers, sip_message, phone_number, agent, call_id, direction, trunk,
                ringing, post_dial_delay_ms, ring_duration_ms, tags, extra, nul_removed,
                outcome, outcome_basis, q850_cause, reasons, sip_warnings, retry_after_seconds,
                phone_e164, phone_region, phone_type, phone_valid, phone_carrier, phone_extension, phone_converted,
                phone_problem, fingerprint
            FROM kept
        ),
        issues_kept AS (
            INSERT INTO issues (
                project_id, kind, fingerprint, title, outcome, response_class, sip_code, q850_cause, local_cause,
                trunk, status, regression, customer_behaviour, first_seen, last_seen, event_count)
            SELECT project_id, 'call', fingerprint, (array_agg(issue_title ORDER BY occurred_at))[1],
                min(outcome), min(response_class),
                min(sip_code), min(q850_cause), min(local_cause), min(trunk), 'unresolved', false,
                bool_and(customer_behaviour), min(occurred_at), max(occurred_at), count(*)
            FROM kept
            WHERE fingerprint IS NOT NULL
            GROUP BY project_id, fingerprint
            ORDER BY project_id, fingerprint
            ON CONFLICT (project_id, fingerprint) DO UPDATE SET
                event_count = issues.event_count + excluded.event_count,
                first_seen = least(issues.first_seen, excluded.first_seen),
                last_seen = greatest(issues.last_seen, excluded.last_seen),
                status = CASE WHEN issues.status = 'resolved' THEN 'unresolved' ELSE issues.status END,
                reopened_at = CASE WHEN issues.status = 'resolved' THEN now() ELSE issues.reopened_at END,
                regression = issues.regression OR (issues.status = 'resolved' AND (NOT issues.customer_behaviour
                    OR (SELECT customer_behaviour_regresses FROM projects WHERE id = issues.project_id)))
            -- RETURNING sees the row after the update, so the old status is gone; now() is this transaction's
            -- start, so reopened_at equals it only where this statement reopened the issue.
            RETURNING project_id, id, xmax = 0 AS created, coalesce(reopened_at = now(), false) AS reopened
        ),
        rolled_up AS (
            INSERT INTO call_rollups (
                project_id, grain, dimension_set, period_start, response_class, sip_code, local_cause, q850_cause,
                outcome, agent, trunk, country, carrier, count)
            {{RollupSelect}}
            FROM kept
                CROSS JOIN (VALUES ('h'), ('d')) AS grains (grain)
                CROSS JOIN (VALUES (0::smallint), (1::smallint), (2::smallint), (3::smallint)) AS sets (dimension_set)
            GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13
            ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13
            ON CONFLICT (project_id, grain, dimension_set, period_start, response_class, sip_code, local_cause,
                q850_cause, outcome, agent, trunk, country, carrier)
            DO UPDATE SET count = call_rollups.count + excluded.count
        )
        SELECT project_id, event_id, NULL::bigint, NULL::boolean FROM claimed
        UNION ALL
        -- The issues this batch created or reopened, for the alert rules on new issues and regressions.
        SELECT project_id, NULL::uuid, id, created FROM issues_kept WHERE created OR reopened
        """;

    /// <summary>
    /// Stores failed calls and error events in one transaction, so a batch is stored whole or not at all.
    /// An event whose id the project already has (or that comes twice in the batch) is skipped, not an error.
    /// </summary>
    /// <returns>The (project, event id) pairs that were new; the others were already stored.</returns>
    public async Task<StoredEvents> WriteAsync(
        IReadOnlyList<CallEvent> calls, IReadOnlyList<ErrorEvent> errors, CancellationToken cancellationToken)
    {
        var uniqueCalls = calls.DistinctBy(call => (call.ProjectId, call.EventId)).ToList();
        var uniqueErrors = errors.DistinctBy(error => (error.ProjectId, error.EventId)).ToList();

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var stored = new StoredEvents([], []);
        if (uniqueCalls.Count > 0)
        {
            await using var command = CallsCommand(connection, uniqueCalls);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                if (reader.IsDBNull(2))
                {
                    stored.Calls.Add((reader.GetInt32(0), reader.GetGuid(1)));
                }
                else
                {
                    stored.Issues.Add(new IssueChange(reader.GetInt32(0), reader.GetInt64(2), reader.GetBoolean(3)));
                }
            }
        }

        if (uniqueErrors.Count > 0)
        {
            await using var command = ErrorsCommand(connection, uniqueErrors);
            await ReadKeysAsync(command, stored.Errors, cancellationToken);
        }

        // What each project stored this month, for its quota: new events only, in the same transaction.
        var perProject = stored.Calls.Concat(stored.Errors).GroupBy(key => key.ProjectId)
            .Select(group => (Project: group.Key, Events: (long)group.Count()))
            .OrderBy(usage => usage.Project).ToList();
        if (perProject.Count > 0)
        {
            await using var usage = new NpgsqlCommand(UsageSql, connection);
            usage.Parameters.Add(new NpgsqlParameter { Value = perProject.Select(usage => usage.Project).ToArray() });
            usage.Parameters.Add(new NpgsqlParameter { Value = perProject.Select(usage => usage.Events).ToArray() });
            await usage.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return stored;
    }

    /// <summary>Stores failed calls alone; see <see cref="WriteAsync"/>.</summary>
    /// <returns>The ids that were new.</returns>
    public async Task<HashSet<Guid>> InsertAsync(IReadOnlyList<CallEvent> events, CancellationToken cancellationToken)
    {
        var stored = await WriteAsync(events, [], cancellationToken);
        return stored.Calls.Select(key => key.EventId).ToHashSet();
    }

    private static async Task ReadKeysAsync(
        NpgsqlCommand command, HashSet<(int ProjectId, Guid EventId)> keys, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add((reader.GetInt32(0), reader.GetGuid(1)));
        }
    }

    private static NpgsqlCommand CallsCommand(NpgsqlConnection connection, IReadOnlyList<CallEvent> events)
    {
        var command = new NpgsqlCommand(InsertSql, connection);
        var parameters = command.Parameters;

        parameters.Add(Column(events, call => call.ProjectId));
        parameters.Add(Column(events, call => call.EventId));
        parameters.Add(Column(events, call => call.OccurredAt));
        parameters.Add(Column(events, call => call.ReportedOccurredAt));
        parameters.Add(Column(events, call => call.ReceivedAt));
        parameters.Add(Column(events, call => call.SipCode));
        parameters.Add(Column(events, call => call.ResponseClass));
        parameters.Add(Column(events, call => call.ReasonPhrase));
        parameters.Add(Column(events, call => call.LocalCause));
        parameters.Add(Column(events, call => call.ReasonProtocol));
        parameters.Add(Column(events, call => call.ReasonCause));
        parameters.Add(Column(events, call => call.ReasonText));
        parameters.Add(Column(events, call => call.Headers, NpgsqlDbType.Jsonb));
        parameters.Add(Column(events, call => call.SipMessage));
        parameters.Add(Column(events, call => call.PhoneNumber));
        parameters.Add(Column(events, call => call.Agent));
        parameters.Add(Column(events, call => call.CallId));
        parameters.Add(Column(events, call => call.Direction));
        parameters.Add(Column(events, call => call.Trunk));
        parameters.Add(Column(events, call => call.Ringing));
        parameters.Add(Column(events, call => call.PostDialDelayMs));
        parameters.Add(Column(events, call => call.RingDurationMs));
        parameters.Add(Column(events, call => call.Tags, NpgsqlDbType.Jsonb));
        parameters.Add(Column(events, call => call.Extra, NpgsqlDbType.Jsonb));
        parameters.Add(Column(events, call => call.NulRemoved));
        parameters.Add(Column(events, call => call.Outcome));
        parameters.Add(Column(events, call => call.OutcomeBasis));
        parameters.Add(Column(events, call => call.Q850Cause));
        parameters.Add(Column(events, call => call.Reasons, NpgsqlDbType.Jsonb));
        parameters.Add(Column(events, call => call.SipWarnings, NpgsqlDbType.Jsonb));
        parameters.Add(Column(events, call => call.RetryAfterSeconds));
        parameters.Add(Column(events, call => call.PhoneE164));
        parameters.Add(Column(events, call => call.PhoneRegion));
        parameters.Add(Column(events, call => call.PhoneType));
        parameters.Add(Column(events, call => call.PhoneValid));
        parameters.Add(Column(events, call => call.PhoneCarrier));
        parameters.Add(Column(events, call => call.PhoneExtension));
        parameters.Add(Column(events, call => call.PhoneConverted));
        parameters.Add(Column(events, call => call.PhoneProblem));
        parameters.Add(Column(events, call => call.Fingerprint));
        parameters.Add(Column(events, call => call.IssueTitle));
        parameters.Add(Column(events, call => call.Outcome is { } outcome
            && Sip.Outcome.CustomerBehaviour.Contains(outcome)));

        return command;
    }

    // The same id claim and issue bookkeeping as for calls. An error is always something to act on, so a new
    // one on a resolved issue is always a regression.
    private const string InsertErrorsSql = """
        WITH input AS (
            SELECT * FROM unnest(
                $1::integer[], $2::uuid[], $3::timestamptz[], $4::timestamptz[], $5::text[], $6::text[],
                $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::jsonb[], $13::text[],
                $14::text[], $15::text[], $16::jsonb[], $17::text[], $18::text[])
            AS event(
                project_id, event_id, occurred_at, received_at, level, message, exception_type, exception_value,
                platform, release, environment, tags, request_url, user_id, sdk, payload, fingerprint, issue_title)
        ),
        claimed AS (
            INSERT INTO event_ids (project_id, event_id, kind)
            SELECT project_id, event_id, 'error' FROM input ORDER BY project_id, event_id
            ON CONFLICT (project_id, event_id) DO NOTHING
            RETURNING project_id, event_id
        ),
        kept AS (
            SELECT input.* FROM input JOIN claimed USING (project_id, event_id)
        ),
        inserted AS (
            INSERT INTO error_events (
                project_id, event_id, occurred_at, received_at, level, message, exception_type, exception_value,
                platform, release, environment, tags, request_url, user_id, sdk, payload, fingerprint)
            SELECT project_id, event_id, occurred_at, received_at, level, message, exception_type, exception_value,
                platform, release, environment, tags, request_url, user_id, sdk, payload, fingerprint
            FROM kept
        ),
        issues_kept AS (
            INSERT INTO issues (
                project_id, kind, fingerprint, title, status, regression, customer_behaviour,
                first_seen, last_seen, event_count)
            SELECT project_id, 'error', fingerprint, (array_agg(issue_title ORDER BY occurred_at))[1],
                'unresolved', false, false,
                min(occurred_at), max(occurred_at), count(*)
            FROM kept WHERE fingerprint IS NOT NULL
            GROUP BY project_id, fingerprint
            ORDER BY project_id, fingerprint
            ON CONFLICT (project_id, fingerprint) DO UPDATE SET
                event_count = issues.event_count + excluded.event_count,
                first_seen = least(issues.first_seen, excluded.first_seen),
                last_seen = greatest(issues.last_seen, excluded.last_seen),
                status = CASE WHEN issues.status = 'resolved' THEN 'unresolved' ELSE issues.status END,
                reopened_at = CASE WHEN issues.status = 'resolved' THEN now() ELSE issues.reopened_at END,
                regression = issues.regression OR issues.status = 'resolved'
        )
        SELECT project_id, event_id FROM claimed
        """;

    private const string UsageSql = """
        INSERT INTO project_usage (project_id, month, events)
        SELECT project_id, date_trunc('month', now() AT TIME ZONE 'UTC')::date, events
        FROM unnest($1::integer[], $2::bigint[]) AS usage (project_id, events)
        ON CONFLICT (project_id, month) DO UPDATE SET events = project_usage.events + excluded.events
        """;

    /// <summary>Stores an error event and keeps its issue; false when its id was already stored.</summary>
    public async Task<bool> InsertErrorAsync(ErrorEvent error, CancellationToken cancellationToken) =>
        (await WriteAsync([], [error], cancellationToken)).Errors.Count == 1;

    private static NpgsqlCommand ErrorsCommand(NpgsqlConnection connection, IReadOnlyList<ErrorEvent> errors)
    {
        var command = new NpgsqlCommand(InsertErrorsSql, connection);
        var parameters = command.Parameters;
        parameters.Add(Column(errors, error => error.ProjectId));
        parameters.Add(Column(errors, error => error.EventId));
        parameters.Add(Column(errors, error => error.OccurredAt));
        parameters.Add(Column(errors, error => error.ReceivedAt));
        parameters.Add(Column(errors, error => error.Level));
        parameters.Add(Column(errors, error => error.Message));
        parameters.Add(Column(errors, error => error.ExceptionType));
        parameters.Add(Column(errors, error => error.ExceptionValue));
        parameters.Add(Column(errors, error => error.Platform));
        parameters.Add(Column(errors, error => error.Release));
        parameters.Add(Column(errors, error => error.Environment));
        parameters.Add(Column(errors, error => error.Tags, NpgsqlDbType.Jsonb));
        parameters.Add(Column(errors, error => error.RequestUrl));
        parameters.Add(Column(errors, error => error.UserId));
        parameters.Add(Column(errors, error => error.Sdk));
        parameters.Add(Column(errors, error => error.Payload, NpgsqlDbType.Jsonb));
        parameters.Add(Column(errors, error => error.Fingerprint));
        parameters.Add(Column(errors, error => error.IssueTitle));
        return command;
    }

    // Recounts issues from their events: for events that got their fingerprint after they were stored (the
    // start-up backfill), so the counts are those of the table, however often it runs. The upsert takes the
    // same row locks in the same order as ingestion.
    private const string RebuildIssuesSql = """
        WITH seed AS (
            SELECT * FROM unnest($1::integer[], $2::text[], $3::text[], $4::boolean[])
            AS seed(project_id, fingerprint, title, customer_behaviour)
        )
        INSERT INTO issues (
            project_id, kind, fingerprint, title, outcome, response_class, sip_code, q850_cause, local_cause,
            trunk, status, regression, customer_behaviour, first_seen, last_seen, event_count)
        SELECT seed.project_id, 'call', seed.fingerprint, seed.title, min(event.outcome), min(event.response_class),
            min(event.sip_code), min(event.q850_cause), min(event.local_cause), min(event.trunk), 'unresolved', false,
            seed.customer_behaviour, min(event.occurred_at), max(event.occurred_at), count(*)
        FROM seed JOIN call_events AS event USING (project_id, fingerprint)
        GROUP BY seed.project_id, seed.fingerprint, seed.title, seed.customer_behaviour
        ORDER BY seed.fingerprint
        ON CONFLICT (project_id, fingerprint) DO UPDATE SET
            event_count = excluded.event_count, first_seen = excluded.first_seen, last_seen = excluded.last_seen
        """;

    private const string RebuildErrorIssuesSql = """
        WITH seed AS (
            SELECT * FROM unnest($1::integer[], $2::text[], $3::text[]) AS seed(project_id, fingerprint, title)
        )
        INSERT INTO issues (
            project_id, kind, fingerprint, title, status, regression, customer_behaviour,
            first_seen, last_seen, event_count)
        SELECT seed.project_id, 'error', seed.fingerprint, seed.title, 'unresolved', false, false,
            min(event.occurred_at), max(event.occurred_at), count(*)
        FROM seed JOIN error_events AS event USING (project_id, fingerprint)
        GROUP BY seed.project_id, seed.fingerprint, seed.title
        ORDER BY seed.fingerprint
        ON CONFLICT (project_id, fingerprint) DO UPDATE SET
            event_count = excluded.event_count, first_seen = excluded.first_seen, last_seen = excluded.last_seen
        """;

    /// <summary>Creates or recounts the issues of these call events' fingerprints from the stored events.</summary>
    /// <param name="events">The events; only their project, fingerprint, title and outcome are read.</param>
    /// <param name="connection">The connection of a transaction to join, e.g. the one that gave the events
    /// their fingerprints, so that both commit together; a connection of its own when null.</param>
    /// <param name="cancellationToken">Cancels the command.</param>
    public async Task RebuildIssuesAsync(
        IReadOnlyList<CallEvent> events, NpgsqlConnection? connection, CancellationToken cancellationToken)
    {
        // The title of the earliest event, as when the issue is created at ingestion.
        var seeds = events.Where(call => call.Fingerprint is not null).OrderBy(call => call.OccurredAt)
            .DistinctBy(call => (call.ProjectId, call.Fingerprint)).ToList();
        await using var command = connection is null
            ? dataSource.CreateCommand(RebuildIssuesSql)
            : new NpgsqlCommand(RebuildIssuesSql, connection);
        command.Parameters.Add(Column(seeds, call => call.ProjectId));
        command.Parameters.Add(Column(seeds, call => call.Fingerprint));
        command.Parameters.Add(Column(seeds, call => call.IssueTitle));
        command.Parameters.Add(Column(seeds, call => call.Outcome is { } outcome
            && Sip.Outcome.CustomerBehaviour.Contains(outcome)));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Creates or recounts the issues of these error events' fingerprints from the stored events.</summary>
    /// <param name="errors">The error events; only their project, fingerprint and title are read.</param>
    /// <param name="connection">The connection of a transaction to join; a connection of its own when null.</param>
    /// <param name="cancellationToken">Cancels the command.</param>
    public async Task RebuildErrorIssuesAsync(
        IReadOnlyList<ErrorEvent> errors, NpgsqlConnection? connection, CancellationToken cancellationToken)
    {
        var seeds = errors.Where(error => error.Fingerprint is not null).OrderBy(error => error.OccurredAt)
            .DistinctBy(error => (error.ProjectId, error.Fingerprint)).ToList();
        await using var command = connection is null
            ? dataSource.CreateCommand(RebuildErrorIssuesSql)
            : new NpgsqlCommand(RebuildErrorIssuesSql, connection);
        command.Parameters.Add(Column(seeds, error => error.ProjectId));
        command.Parameters.Add(Column(seeds, error => error.Fingerprint));
        command.Parameters.Add(Column(seeds, error => error.IssueTitle));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    // A failed call is the number's when its E.164 form is one of $2, its digits as dialled are one of $3, or
    // it was stored as one of the tokens $4 (CallTracker:Phone:Storage = Hmac).
    // The rollups and issues lose what the deleted events counted: a negative count is added for each, so
    // that rows the retention already dropped are not brought back, and rows left at zero are removed.
    private const string EraseCallsSql = $$"""
        WITH gone AS (
            DELETE FROM call_events
            WHERE project_id = $1 AND (phone_e164 = ANY($2)
                OR regexp_replace(coalesce(phone_number, ''), '[^0-9]', '', 'g') = ANY($3)
                OR phone_number = ANY($4))
            RETURNING *
        ),
        rolled_back AS (
            INSERT INTO call_rollups (
                project_id, grain, dimension_set, period_start, response_class, sip_code, local_cause, q850_cause,
                outcome, agent, trunk, country, carrier, count)
            SELECT project_id, grain, dimension_set, period_start, response_class, sip_code, local_cause, q850_cause,
                outcome, agent, trunk, country, carrier, -count
            FROM ({{RollupSelect}}
                FROM gone
                    CROSS JOIN (VALUES ('h'), ('d')) AS grains (grain)
                    CROSS JOIN (VALUES (0::smallint), (1::smallint), (2::smallint), (3::smallint))
                        AS sets (dimension_set)
                GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13)
                AS counted (project_id, grain, dimension_set, period_start, response_class, sip_code, local_cause,
                    q850_cause, outcome, agent, trunk, country, carrier, count)
            ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13
            ON CONFLICT (project_id, grain, dimension_set, period_start, response_class, sip_code, local_cause,
                q850_cause, outcome, agent, trunk, country, carrier)
            DO UPDATE SET count = call_rollups.count + excluded.count
        ),
        issues_recounted AS (
            UPDATE issues SET event_count = issues.event_count - gone_per_issue.events
            FROM (SELECT fingerprint, count(*) AS events FROM gone WHERE fingerprint IS NOT NULL GROUP BY fingerprint)
                AS gone_per_issue
            WHERE issues.project_id = $1 AND issues.fingerprint = gone_per_issue.fingerprint
        )
        SELECT count(*) FROM gone
        """;

    // An error event is the number's when its payload holds one of the number's spellings ($2): payloads
    // are kept as the SDK sent them, tokens or not.
    private const string EraseErrorsSql = """
        WITH gone AS (
            DELETE FROM error_events
            WHERE project_id = $1 AND payload::text LIKE ANY(
                SELECT '%' || spelling || '%' FROM unnest($2::text[]) AS spelling)
            RETURNING fingerprint
        ),
        issues_recounted AS (
            UPDATE issues SET event_count = issues.event_count - gone_per_issue.events
            FROM (SELECT fingerprint, count(*) AS events FROM gone WHERE fingerprint IS NOT NULL GROUP BY fingerprint)
                AS gone_per_issue
            WHERE issues.project_id = $1 AND issues.fingerprint = gone_per_issue.fingerprint
        )
        SELECT count(*) FROM gone
        """;

    private static readonly string[] EraseLeftoversSql =
    [
        "DELETE FROM call_rollups WHERE project_id = $1 AND count <= 0",
        "DELETE FROM issues WHERE project_id = $1 AND event_count <= 0",
    ];

    /// <summary>
    /// Deletes everything stored about one phone number in a project (a data subject's request), in one
    /// transaction: its failed calls and error events, and what they counted in the rollups and issues.
    /// </summary>
    /// <param name="e164">The number's E.164 forms (+84901234501).</param>
    /// <param name="digits">Its digits as a CRM may have dialled them (0901234501, 84901234501).</param>
    /// <param name="tokens">The HMAC tokens it was stored as, when numbers are not stored in clear; then the
    /// failed calls are found by these alone (a token's digits could, however unlikely, spell a number).</param>
    public async Task<(long Calls, long Errors)> EraseNumberAsync(
        int projectId, string[] e164, string[] digits, string[] tokens, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        object[][] parameters = tokens.Length > 0
            ? [[projectId, tokens, Array.Empty<string>(), tokens], [projectId, e164.Concat(digits).ToArray()]]
            : [[projectId, e164, digits, Array.Empty<string>()], [projectId, e164.Concat(digits).ToArray()]];
        var counts = new List<long>();
        foreach (var (sql, values) in new[] { EraseCallsSql, EraseErrorsSql }.Zip(parameters))
        {
            await using var command = new NpgsqlCommand(sql, connection);
            foreach (var value in values)
            {
                command.Parameters.Add(new NpgsqlParameter { Value = value });
            }

            counts.Add((long)(await command.ExecuteScalarAsync(cancellationToken))!);
        }

        foreach (var sql in EraseLeftoversSql)
        {
            await using var leftovers = new NpgsqlCommand(sql, connection);
            leftovers.Parameters.Add(new NpgsqlParameter { Value = projectId });
            await leftovers.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return (counts[0], counts[1]);
    }

    // The rollups of whole projects counted again from their events: after the start-up backfill has
    // changed the outcome of events stored before outcomes existed.
    private const string DeleteRollupsSql = "DELETE FROM call_rollups WHERE project_id = ANY($1)";

    private const string RebuildRollupsSql = $$"""
        INSERT INTO call_rollups (
            project_id, grain, dimension_set, period_start, response_class, sip_code, local_cause, q850_cause,
            outcome, agent, trunk, country, carrier, count)
        {{RollupSelect}}
        FROM call_events
            CROSS JOIN (VALUES ('h'), ('d')) AS grains (grain)
            CROSS JOIN (VALUES (0::smallint), (1::smallint), (2::smallint), (3::smallint)) AS sets (dimension_set)
        WHERE project_id = ANY($1)
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13
        """;

    /// <summary>Counts the rollups of these projects again from their events, in one transaction.</summary>
    public async Task RebuildRollupsAsync(IReadOnlyCollection<int> projectIds, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var sql in new[] { DeleteRollupsSql, RebuildRollupsSql })
        {
            await using var command = new NpgsqlCommand(sql, connection);
            command.Parameters.Add(new NpgsqlParameter { Value = projectIds.ToArray() });
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private static NpgsqlParameter Column<TEvent, T>(IReadOnlyList<TEvent> events, Func<TEvent, T> value) =>
        new() { Value = events.Select(value).ToArray() };

    private static NpgsqlParameter Column<TEvent>(
        IReadOnlyList<TEvent> events, Func<TEvent, string?> value, NpgsqlDbType elementType) =>
        new()
        {
            Value = events.Select(value).ToArray(),
            NpgsqlDbType = NpgsqlDbType.Array | elementType,
        };
}

/// <summary>The (project, event id) pairs a write stored; any other was a duplicate.</summary>
public sealed record StoredEvents(
    HashSet<(int ProjectId, Guid EventId)> Calls, HashSet<(int ProjectId, Guid EventId)> Errors)
{
    /// <summary>Failed-call issues the batch created or reopened (a resolved one that failed again).</summary>
    public List<IssueChange> Issues { get; } = [];
}

/// <summary>An issue a batch created (<paramref name="Created"/>) or reopened from resolved.</summary>
public sealed record IssueChange(int ProjectId, long IssueId, bool Created);
