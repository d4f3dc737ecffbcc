using System.Security.Claims;
using CallTracker.Api.Events;
using CallTracker.Api.Projects;
using CallTracker.Api.Security;
using CallTracker.Storage;
using CallTracker.Storage.Entities;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using static CallTracker.Api.Http.Problems;

namespace CallTracker.Api.Alerts;

/// <summary>
/// A project's alert rules (issue 8), for write and admin tokens: when to tell the team, about which events,
/// and whom. The webhooks' secrets are write-only. The evaluator and the delivery read the same rows.
/// </summary>
public static class AlertRulesEndpoints
{
    public static IEndpointRouteBuilder MapAlertRulesEndpoints(this IEndpointRouteBuilder app)
    {
        var rules = app.MapProjectResource("alert-rules", "Alerts", Authentication.WritePolicy);
        rules.MapGet("", ListAsync)
            .WithSummary("The project's alert rules, oldest first, without the webhooks' secrets");
        rules.MapPost("", CreateAsync)
            .ProducesValidationProblem()
            .WithSummary("Create an alert rule: a trigger, a filter of the events it watches, and who to tell")
            .WithDescription(
                "Every bad field is named at once. new_issue and regression without outcomes in the filter watch " +
                "the outcomes someone can act on (every failure but customer behaviour), stored so the rule shows " +
                "them. A json webhook is always signed: given without a secret, it gets one made, returned in this " +
                "answer only. A secret is never returned otherwise: the rule answers secretSet.");
        rules.MapGet("{ruleId:long}", GetAsync)
            .WithSummary("One alert rule");
        rules.MapPatch("{ruleId:long}", PatchAsync)
            .ProducesValidationProblem()
            .WithSummary("Change an alert rule; fields left out keep their value")
            .WithDescription(
                "Inside filter and actions too, a list left out keeps its values and a list given replaces it " +
                "(changing the webhooks keeps the e-mails). A field the API does not know is a 400. A webhook sent " +
                "again with the same URL and no secret keeps its secret. A firing rule that is disabled, or whose " +
                "condition changes, stops firing without a back-to-normal message. Changing the trigger to " +
                "new_issue or regression drops " +
                "the threshold and window; to event_count or event_share, give a threshold.");
        rules.MapDelete("{ruleId:long}", DeleteAsync)
            .WithSummary("Delete an alert rule; its alerts stay in the history");

        return app;
    }

    /// <param name="id">The project's id.</param>
    private static async Task<Results<Ok<AlertRuleDetails[]>, ProblemHttpResult>> ListAsync(
        int id, ClaimsPrincipal user, CallTrackerDbContext db, CancellationToken cancellationToken)
    {
        if (await ProjectsEndpoints.FindAsync(id, user, db, cancellationToken) is null)
        {
            return ProjectsEndpoints.NotFound(id);
        }

        var rules = await db.AlertRules.AsNoTracking().Where(rule => rule.ProjectId == id)
            .OrderBy(rule => rule.Id).ToListAsync(cancellationToken);
        return TypedResults.Ok(rules.Select(rule => ToDetails(rule)).ToArray());
    }

    /// <param name="id">The project's id.</param>
    /// <param name="body">The rule.</param>
    private static async Task<Results<Created<AlertRuleDetails>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        int id, AlertRuleBody body, ClaimsPrincipal user, CallTrackerDbContext db, TimeProvider clock,
        ILogger<AlertRuleBody> logger, CancellationToken cancellationToken)
    {
        if (await ProjectsEndpoints.FindAsync(id, user, db, cancellationToken) is null)
        {
            return ProjectsEndpoints.NotFound(id);
        }

        var errors = new Errors();
        var valid = AlertRuleValidation.Validate(body, stored: null, errors);
        if (valid is null)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var now = clock.GetUtcNow();
        var rule = new AlertRule
        {
            ProjectId = id,
            Name = valid.Name,
            Trigger = valid.Trigger,
            CreatedAt = now,
        };
        Apply(valid, rule, now);
        db.AlertRules.Add(rule);
        await db.SaveChangesAsync(cancellationToken);

        logger.LogInformation("Alert rule {RuleId} ({Trigger}) created for project {ProjectId}",
            rule.Id, rule.Trigger, id);
        var location = $"/api/v1/projects/{id}/alert-rules/{rule.Id}";
        return TypedResults.Created(location, ToDetails(rule, valid.NewSecrets));
    }

    /// <param name="id">The project's id.</param>
    /// <param name="ruleId">The rule's id.</param>
    private static async Task<Results<Ok<AlertRuleDetails>, ProblemHttpResult>> GetAsync(
        int id, long ruleId, ClaimsPrincipal user, CallTrackerDbContext db, CancellationToken cancellationToken)
    {
        var rule = await FindAsync(id, ruleId, user, db, cancellationToken);
        return rule is null ? NotFound(id, ruleId) : TypedResults.Ok(ToDetails(rule));
    }

    /// <param name="id">The project's id.</param>
    /// <param name="ruleId">The rule's id.</param>
    /// <param name="body">The fields to change.</param>
    private static async Task<Results<Ok<AlertRuleDetails>, ValidationProblem, ProblemHttpResult>> PatchAsync(
        int id, long ruleId, AlertRuleBody body, ClaimsPrincipal user, CallTrackerDbContext db, TimeProvider clock,
        ILogger<AlertRuleBody> logger, CancellationToken cancellationToken)
    {
        var rule = await FindAsync(id, ruleId, user, db, cancellationToken);
        if (rule is null)
        {
            return NotFound(id, ruleId);
        }

        var errors = new Errors();
        var valid = AlertRuleValidation.Validate(body, rule, errors);
        if (valid is null)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        Apply(valid, rule, clock.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);

        logger.LogInformation("Alert rule {RuleId} of project {ProjectId} changed", rule.Id, id);
        return TypedResults.Ok(ToDetails(rule, valid.NewSecrets));
    }

    /// <param name="id">The project's id.</param>
    /// <param name="ruleId">The rule's id.</param>
    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        int id, long ruleId, ClaimsPrincipal user, CallTrackerDbContext db, ILogger<AlertRuleBody> logger,
        CancellationToken cancellationToken)
    {
        var rule = await FindAsync(id, ruleId, user, db, cancellationToken);
        if (rule is null)
        {
            return NotFound(id, ruleId);
        }

        db.AlertRules.Remove(rule);
        await db.SaveChangesAsync(cancellationToken);

        logger.LogInformation("Alert rule {RuleId} of project {ProjectId} deleted", ruleId, id);
        return TypedResults.NoContent();
    }

    /// <summary>The rule, tracked; null for another project's id, as for a rule that does not exist.</summary>
    private static async Task<AlertRule?> FindAsync(
        int id, long ruleId, ClaimsPrincipal user, CallTrackerDbContext db, CancellationToken cancellationToken) =>
        id != user.ProjectId()
            ? null
            : await db.AlertRules.FirstOrDefaultAsync(
                rule => rule.ProjectId == id && rule.Id == ruleId, cancellationToken);

    private static ProblemHttpResult NotFound(int id, long ruleId) =>
        Problem(StatusCodes.Status404NotFound, "Not found", $"Project {id} of this token has no alert rule {ruleId}.");

    /// <summary>
    /// Sets the validated settings. State and last_fired_at are the evaluator's: a renamed rule that is firing is
    /// still firing, and must still send its "back to normal". A rule disabled, or given another condition, stops
    /// firing quietly: a "back to normal" days later, or about a condition nobody set, would mislead. Its
    /// last_fired_at stays, so the cool-down still holds.
    /// </summary>
    private static void Apply(ValidAlertRule valid, AlertRule rule, DateTimeOffset now)
    {
        // Compared as this code writes them: PostgreSQL returns jsonb with its own spacing and key order.
        var filter = AlertJson.Write(valid.Filter);
        if (!valid.Enabled || valid.Trigger != rule.Trigger || valid.Threshold != rule.Threshold
            || valid.WindowMinutes != rule.WindowMinutes || valid.MinimumEvents != rule.MinimumEvents
            || filter != AlertJson.Write(AlertJson.Read<AlertFilter>(rule.Filter)))
        {
            rule.State = AlertRuleStates.Ok;
        }

        rule.Name = valid.Name;
        rule.Trigger = valid.Trigger;
        rule.Threshold = valid.Threshold;
        rule.WindowMinutes = valid.WindowMinutes;
        rule.MinimumEvents = valid.MinimumEvents;
        rule.Filter = filter;
        rule.Actions = AlertJson.Write(valid.Actions);
        rule.CooldownMinutes = valid.CooldownMinutes;
        rule.Enabled = valid.Enabled;
        rule.UpdatedAt = now;
    }

    /// <param name="rule">The rule.</param>
    /// <param name="newSecrets">The webhooks whose secret was made in this request, to show it this once.</param>
    private static AlertRuleDetails ToDetails(AlertRule rule, IReadOnlySet<string>? newSecrets = null)
    {
        var actions = AlertJson.Read<AlertActions>(rule.Actions);
        return new AlertRuleDetails
        {
            Id = rule.Id,
            Name = rule.Name,
            Trigger = rule.Trigger,
            Threshold = rule.Threshold,
            WindowMinutes = rule.WindowMinutes,
            MinimumEvents = rule.MinimumEvents,
            Filter = AlertJson.Read<AlertFilter>(rule.Filter),
            Actions = new AlertActionsDetails
            {
                Emails = actions.Emails,
                Webhooks = [.. actions.Webhooks.Select(webhook => new AlertWebhookDetails
                {
                    Url = webhook.Url,
                    Format = webhook.Format,
                    SecretSet = webhook.Secret is not null,
                    Secret = newSecrets?.Contains(webhook.Url) == true ? webhook.Secret : null,
                })],
            },
            CooldownMinutes = rule.CooldownMinutes,
            Enabled = rule.Enabled,
            State = rule.State,
            LastFiredAt = rule.LastFiredAt,
            CreatedAt = rule.CreatedAt,
            UpdatedAt = rule.UpdatedAt,
        };
    }
}
