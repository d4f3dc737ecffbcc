using System.Globalization;
using System.Text.Json;
using CallTracker.Api.Alerts.Delivery;
using CallTracker.Api.Hosting;
using CallTracker.Storage;
using CallTracker.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using AlertDelivery = CallTracker.Api.Alerts.Delivery.AlertDelivery;
using AlertWebhook = CallTracker.Api.Alerts.Delivery.AlertWebhook;
using StoredDelivery = CallTracker.Storage.Entities.AlertDelivery;

namespace CallTracker.Api.Alerts;

/// <summary>
/// Runs the windowed alert rules (event_count, event_share) every EvaluationInterval over the minute counters:
/// a rule that fires or clears is written to the history and handed to the delivery. The rule's state (firing,
/// last fired) lives in its row, so a restart neither repeats an alert nor forgets a cool-down.
/// </summary>
/// <remarks>
/// new_issue and regression rules fire on the issues the writer's statement reports it created or reopened
/// (IssueChanges), in the next round.
/// </remarks>
public sealed class AlertEvaluator(
    IServiceScopeFactory scopes, MinuteCounters counters, IssueChanges issueChanges, AlertDelivery delivery,
    NpgsqlDataSource dataSource, IOptions<CallTrackerOptions> options, TimeProvider clock,
    ILogger<AlertEvaluator> logger) : BackgroundService
{
    private readonly TimeSpan interval = options.Value.Alerts.EvaluationInterval;

    // Set once the counters are rebuilt at start: a round before that would watch tag pairs the rebuild then
    // replaces, and count windows the rebuild then overwrites.
    private readonly TaskCompletionSource started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>One round over every enabled windowed rule; what the timer runs. Returns the alerts written.</summary>
    public async Task<IReadOnlyList<Alert>> EvaluateAsync(CancellationToken cancellationToken)
    {
        try
        {
            await started.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        }
        catch (TimeoutException)
        {
            logger.LogWarning("Alert counters still rebuilding after 30 s; evaluating anyway");
        }

        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CallTrackerDbContext>();
        var now = clock.GetUtcNow();
        var rules = await WindowedRulesAsync(db, cancellationToken);
        var written = new List<Alert>();
        var filters = rules.Select(rule => AlertJson.Read<AlertFilter>(rule.Filter)).ToList();
        counters.Watch(rules.Zip(filters, (rule, filter) => (rule.ProjectId, filter.Tags)));

        foreach (var (rule, filter) in rules.Zip(filters))
        {
            var spec = new WindowRule(rule.Trigger, rule.Threshold ?? 0, rule.WindowMinutes ?? 5,
                rule.MinimumEvents ?? 20, TimeSpan.FromMinutes(rule.CooldownMinutes),
                new RuleFilter(filter.Outcomes, filter.Classes, filter.Codes, filter.Agents, filter.Trunks,
                    filter.Tags));
            var state = new RuleState(rule.State == AlertRuleStates.Firing, rule.LastFiredAt);
            var (holds, window) = RuleEvaluation.Condition(spec, counters, rule.ProjectId, now, state.Firing);
            var (decision, next) = RuleEvaluation.Decide(state, holds, spec.Cooldown, now);

            rule.State = next.Firing ? AlertRuleStates.Firing : AlertRuleStates.Ok;
            rule.LastFiredAt = next.LastFiredAt;
            if (decision == RuleDecision.None)
            {
                continue;
            }

            var alert = await WriteAsync(db, rule, spec, decision, window, now, cancellationToken);
            written.Add(alert);
        }

        written.AddRange(await IssueAlertsAsync(db, now, cancellationToken));
        await db.SaveChangesAsync(cancellationToken);
        counters.Prune();
        return written;
    }

    private static Task<List<AlertRule>> WindowedRulesAsync(
        CallTrackerDbContext db, CancellationToken cancellationToken) => db.AlertRules
        .Where(rule => rule.Enabled
            && (rule.Trigger == AlertTriggers.EventCount || rule.Trigger == AlertTriggers.EventShare))
        .OrderBy(rule => rule.ProjectId).ThenBy(rule => rule.Id)
        .ToListAsync(cancellationToken);

    /// <summary>
    /// The new_issue and regression rules, over the issues created or reopened since the last round: one alert per
    /// issue and rule whose filter matches it (outcome, class, code, trunk), with the issue's link. An issue is new
    /// once; a regression waits for the rule's cool-down per issue, so an issue that flaps pages once per
    /// cool-down while another issue's regression still pages at once. These rules have no back-to-normal.
    /// </summary>
    private async Task<List<Alert>> IssueAlertsAsync(
        CallTrackerDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var changes = issueChanges.TakeAll();
        var written = new List<Alert>();
        if (changes.Count == 0)
        {
            return written;
        }

        var projectIds = changes.Select(change => change.ProjectId).Distinct().ToList();
        var rules = await db.AlertRules
            .Where(rule => rule.Enabled && projectIds.Contains(rule.ProjectId)
                && (rule.Trigger == AlertTriggers.NewIssue || rule.Trigger == AlertTriggers.Regression))
            .OrderBy(rule => rule.Id)
            .ToListAsync(cancellationToken);
        foreach (var change in changes)
        {
            var trigger = change.Created ? AlertTriggers.NewIssue : AlertTriggers.Regression;
            var matching = rules.Where(rule => rule.ProjectId == change.ProjectId && rule.Trigger == trigger).ToList();
            if (matching.Count == 0)
            {
                continue;
            }

            var issue = await db.Issues.AsNoTracking()
                .FirstOrDefaultAsync(issue => issue.ProjectId == change.ProjectId && issue.Id == change.IssueId,
                    cancellationToken);
            if (issue is null)
            {
                continue;
            }

            foreach (var rule in matching.Where(rule => Matches(AlertJson.Read<AlertFilter>(rule.Filter), issue)))
            {
                if (!change.Created && await AlertedLatelyAsync(db, rule, issue, now, cancellationToken))
                {
                    logger.LogInformation(
                        "Regression of issue {IssueId} not alerted by rule {RuleId}: it alerted on it within " +
                        "its cool-down", issue.Id, rule.Id);
                    continue;
                }

                rule.LastFiredAt = now;
                written.Add(await WriteIssueAlertAsync(db, rule, issue, now, cancellationToken));
            }
        }

        return written;
    }

    /// <summary>Whether the rule alerted on this issue within its cool-down, as the history's messages say.</summary>
    private static Task<bool> AlertedLatelyAsync(
        CallTrackerDbContext db, AlertRule rule, Issue issue, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var since = now.AddMinutes(-rule.CooldownMinutes);
        var about = string.Create(CultureInfo.InvariantCulture, $$"""{"issueId": {{issue.Id}}}""");
        return db.Alerts.AnyAsync(alert => alert.ProjectId == rule.ProjectId && alert.RuleId == rule.Id
            && alert.At > since && EF.Functions.JsonContains(alert.Message, about), cancellationToken);
    }

    private static bool Matches(AlertFilter filter, Issue issue) =>
        (filter.Outcomes.Length == 0 || (issue.Outcome is { } outcome && filter.Outcomes.Contains(outcome)))
        && (filter.Classes.Length == 0 || (issue.ResponseClass is { } responseClass
            && filter.Classes.Contains(responseClass)))
        && (filter.Codes.Length == 0 || (issue.SipCode is { } code && filter.Codes.Contains(code)))
        && (filter.Trunks.Length == 0 || (issue.Trunk is { } trunk && filter.Trunks.Contains(trunk)));

    private Task<Alert> WriteIssueAlertAsync(
        CallTrackerDbContext db, AlertRule rule, Issue issue, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var summary = rule.Trigger == AlertTriggers.NewIssue
            ? $"{rule.Name}: new issue, {issue.Title}"
            : $"{rule.Name}: back after it was resolved, {issue.Title}";
        var outcome = issue.Outcome ?? "unknown";
        var decision = Sip.OutcomeRules.Decide(issue.SipCode, [], issue.LocalCause);
        return AddAsync(db, rule, AlertKinds.Fired, summary, now, message => message with
        {
            Count = issue.EventCount,
            TopCodes = [new AlertCode(issue.SipCode, issue.LocalCause,
                issue.SipCode is { } code ? Sip.SipStatusCodes.StandardPhrase(code) ?? "" : issue.LocalCause ?? "",
                issue.EventCount)],
            TopOutcomes = [new AlertOutcome(outcome,
                Sip.Outcome.Labels.TryGetValue(outcome, out var label) ? label.En : outcome, decision.Remedy.En,
                issue.EventCount)],
            IssueId = issue.Id,
            Link = $"/api/v1/issues/{issue.Id}",
        }, cancellationToken);
    }

    /// <summary>
    /// One alert, as every trigger writes it: the history row first (its id goes in the message), then the message
    /// <paramref name="complete"/> fills in with the trigger's numbers and link, the deliveries pending, then the
    /// delivery queued. An alert the delivery never got is still in the history, with its deliveries pending.
    /// </summary>
    private async Task<Alert> AddAsync(
        CallTrackerDbContext db, AlertRule rule, string kind, string summary, DateTimeOffset now,
        Func<AlertMessage, AlertMessage> complete, CancellationToken cancellationToken)
    {
        var alert = new Alert
        {
            ProjectId = rule.ProjectId,
            RuleId = rule.Id,
            Kind = kind,
            At = now,
            Summary = summary,
        };
        db.Alerts.Add(alert);
        await db.SaveChangesAsync(cancellationToken);

        var project = await db.Projects.AsNoTracking().Where(project => project.Id == rule.ProjectId)
            .Select(project => project.Name).FirstAsync(cancellationToken);
        var message = complete(new AlertMessage
        {
            AlertId = alert.Id,
            ProjectId = rule.ProjectId,
            ProjectName = project,
            RuleId = rule.Id,
            RuleName = rule.Name,
            Kind = kind,
            Trigger = rule.Trigger,
            Summary = summary,
            At = now,
            Link = "",
        });
        var actions = AlertJson.Read<AlertActions>(rule.Actions);
        alert.Message = AlertJson.Write(message);
        alert.Deliveries = AlertJson.Write(Pending(actions));
        await db.SaveChangesAsync(cancellationToken);

        delivery.Enqueue(message, Recipients(actions));
        logger.LogInformation("Alert {AlertId} of rule {RuleId} in project {ProjectId}: {Kind}",
            alert.Id, rule.Id, rule.ProjectId, kind);
        return alert;
    }

    private static AlertRecipients Recipients(AlertActions actions) => new(actions.Emails,
        actions.Webhooks.Select(webhook => new AlertWebhook(new Uri(webhook.Url), webhook.Secret,
            webhook.Format == "slack" ? WebhookFormat.Slack : WebhookFormat.Json)).ToList());

    /// <summary>
    /// Queues again the deliveries of the last day's alerts that were still pending when the service stopped (or
    /// died): the delivery queue is in memory, the history is not. Sent to the rule's recipients as they are now;
    /// an alert whose rule was deleted since is not sent. Returns how many deliveries were queued.
    /// </summary>
    public async Task<int> ResendPendingAsync(CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CallTrackerDbContext>();
        var since = clock.GetUtcNow() - MinuteCounters.Horizon;
        var alerts = await db.Alerts.AsNoTracking()
            .Where(alert => alert.At >= since
                && EF.Functions.JsonContains(alert.Deliveries, """[{"status": "pending"}]"""))
            .OrderBy(alert => alert.At)
            .ToListAsync(cancellationToken);
        var ruleIds = alerts.Select(alert => alert.RuleId).Distinct().ToList();
        var rules = await db.AlertRules.AsNoTracking().Where(rule => ruleIds.Contains(rule.Id))
            .ToDictionaryAsync(rule => (rule.ProjectId, rule.Id), cancellationToken);

        var queued = 0;
        foreach (var alert in alerts)
        {
            if (JsonSerializer.Deserialize<AlertMessage>(alert.Message, AlertJson.Options) is not { } message
                || !rules.TryGetValue((alert.ProjectId, alert.RuleId), out var rule))
            {
                continue;
            }

            var pending = AlertJson.Read<List<StoredDelivery>>(alert.Deliveries)
                .Where(entry => entry.Status == "pending").ToList();
            var all = Recipients(AlertJson.Read<AlertActions>(rule.Actions));
            var recipients = new AlertRecipients(
                pending.Any(entry => entry.Channel == AlertDelivery.Email) ? all.Emails : [],
                all.Webhooks.Where(webhook => pending.Any(entry => entry.Channel == AlertDelivery.Webhook
                    && entry.Target == WebhookTarget(webhook.Url.ToString()))).ToList());
            delivery.Enqueue(message, recipients);
            queued += recipients.Emails.Count > 0 ? 1 : 0;
            queued += recipients.Webhooks.Count;
        }

        if (queued > 0)
        {
            logger.LogInformation("{Deliveries} alert deliveries left pending at the last stop queued again", queued);
        }

        return queued;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            // The tag pairs first, so that the rebuild counts them too.
            using (var scope = scopes.CreateScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<CallTrackerDbContext>();
                var rules = await WindowedRulesAsync(db, stoppingToken);
                counters.Watch(rules.Select(rule => (rule.ProjectId, AlertJson.Read<AlertFilter>(rule.Filter).Tags)));
            }

            await counters.RebuildAsync(dataSource, stoppingToken);
            await ResendPendingAsync(stoppingToken);
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
        {
            // Windows then start from what arrives; the database may come up after us.
            logger.LogWarning("Alert counters not rebuilt ({Reason}); counting from now",
                Http.Problems.SafeReason(exception));
        }
        finally
        {
            started.TrySetResult();
        }

        using var timer = new PeriodicTimer(interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await EvaluateAsync(stoppingToken);
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning("Alert rules not evaluated this round ({Reason})",
                    Http.Problems.SafeReason(exception));
            }
        }
    }

    private Task<Alert> WriteAsync(
        CallTrackerDbContext db, AlertRule rule, WindowRule spec, RuleDecision decision, WindowCount window,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        var kind = decision == RuleDecision.Fire ? AlertKinds.Fired : AlertKinds.Resolved;
        var from = now.AddMinutes(-spec.WindowMinutes);
        return AddAsync(db, rule, kind, Summary(rule, spec, window, kind), now, message => message with
        {
            WindowMinutes = spec.WindowMinutes,
            Count = window.Matching,
            SharePercent = spec.Trigger != AlertTriggers.EventShare || window.Attempts == 0 ? null
                : Math.Round(window.Matching * 100.0 / window.Attempts, 1),
            Threshold = spec.Threshold,
            TopCodes = RuleEvaluation.TopCodes(window),
            TopOutcomes = RuleEvaluation.TopOutcomes(window),
            Link = string.Create(CultureInfo.InvariantCulture,
                $"/api/v1/reports/codes?from={from.UtcDateTime:yyyy-MM-ddTHH:mm}Z" +
                $"&to={now.AddMinutes(1).UtcDateTime:yyyy-MM-ddTHH:mm}Z{ReportFilter(spec.Filter)}"),
        }, cancellationToken);
    }

    /// <summary>
    /// The rule's filter as the report's parameters, where the report can take it: each report filter holds one
    /// value, so a list of several (and tags) is left for the reader to narrow.
    /// </summary>
    private static string ReportFilter(RuleFilter filter)
    {
        var parameters = new (string Name, IEnumerable<string> Values)[]
        {
            ("outcome", filter.Outcomes), ("class", filter.Classes),
            ("code", filter.Codes.Select(code => code.ToString(CultureInfo.InvariantCulture))),
            ("agent", filter.Agents), ("trunk", filter.Trunks),
        };
        return string.Concat(parameters.Where(parameter => parameter.Values.Count() == 1)
            .Select(parameter => $"&{parameter.Name}={Uri.EscapeDataString(parameter.Values.Single())}"));
    }

    private static string Summary(AlertRule rule, WindowRule spec, WindowCount window, string kind)
    {
        var numbers = spec.Trigger == AlertTriggers.EventShare
            ? string.Create(CultureInfo.InvariantCulture,
                $"{(window.Attempts == 0 ? 0 : window.Matching * 100.0 / window.Attempts):0.#} % " +
                $"of {window.Attempts} " +
                $"calls in {spec.WindowMinutes} min (limit {spec.Threshold:0.#} %)")
            : string.Create(CultureInfo.InvariantCulture,
                $"{window.Matching} in {spec.WindowMinutes} min (limit {spec.Threshold:0.#})");
        return kind == AlertKinds.Resolved ? $"{rule.Name}: back to normal, {numbers}" : $"{rule.Name}: {numbers}";
    }

    private static List<StoredDelivery> Pending(AlertActions actions)
    {
        var pending = new List<StoredDelivery>();
        if (actions.Emails.Length > 0)
        {
            pending.Add(new("email", string.Join(", ", actions.Emails), "pending", 0, null, null));
        }

        pending.AddRange(actions.Webhooks.Select(webhook =>
            new StoredDelivery("webhook", WebhookTarget(webhook.Url), "pending", 0, null, null)));
        return pending;
    }

    /// <summary>A webhook as the history names it: scheme, host and port, never its path (may be secret).</summary>
    public static string WebhookTarget(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.GetLeftPart(UriPartial.Authority) : "webhook";
}
