using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using CallTracker.Api.Events;
using CallTracker.Api.Http;
using CallTracker.Api.Projects;
using CallTracker.Api.Security;
using CallTracker.Storage;
using CallTracker.Storage.Entities;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CallTracker.Api.Alerts;

/// <summary>
/// A project's alert history (issue 8): what fired and cleared, when, what was sent and whether each delivery
/// got through. Written by the rule evaluator and the delivery; read here with any API token.
/// </summary>
public static class AlertsEndpoints
{
    public static IEndpointRouteBuilder MapAlertsEndpoints(this IEndpointRouteBuilder app)
    {
        var alerts = app.MapGroup("/api/v1/projects/{id:int}/alerts").WithTags("Alerts")
            .RequireAuthorization(Authentication.ReadPolicy);
        alerts.MapGet("", ListAsync)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("The project's alerts, newest first, with what was sent and how each delivery went")
            .WithDescription(
                "Keyset paging: pass nextCursor as cursor for the next page. ruleId keeps one rule's alerts, " +
                "a deleted rule's included.");

        return app;
    }

    /// <param name="id">The project's id.</param>
    /// <param name="ruleId">Only this rule's alerts.</param>
    /// <param name="limit">Alerts per page, a number 1-500; 50 by default.</param>
    /// <param name="cursor">The nextCursor of the previous page.</param>
    private static async Task<Results<Ok<AlertPage>, ValidationProblem, ProblemHttpResult>> ListAsync(
        int id, HttpContext http, ClaimsPrincipal user, CallTrackerDbContext db, CancellationToken cancellationToken,
        string? ruleId = null, string? limit = null, string? cursor = null)
    {
        var errors = new Errors();
        var pageSize = QueryParameters.PageSize(http.Request, limit, errors);
        var rule = RuleId(QueryParameters.Text(http.Request, "ruleId", ruleId, errors), errors);
        var after = Decode(QueryParameters.Text(http.Request, "cursor", cursor, errors), errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        if (id != user.ProjectId())
        {
            return ProjectsEndpoints.NotFound(id);
        }

        var query = db.Alerts.AsNoTracking().Where(alert => alert.ProjectId == id);
        if (rule is { } only)
        {
            query = query.Where(alert => alert.RuleId == only);
        }

        if (after is var (at, lastId))
        {
            query = query.Where(alert => alert.At < at || (alert.At == at && alert.Id < lastId));
        }

        var page = await query.OrderByDescending(alert => alert.At).ThenByDescending(alert => alert.Id)
            .Take(pageSize + 1).ToListAsync(cancellationToken);

        var last = page.Count > pageSize ? page[pageSize - 1] : null;
        var next = last is null ? null : PageCursor.Encode(last.At.UtcTicks, last.Id);
        return TypedResults.Ok(new AlertPage { Items = [.. page.Take(pageSize).Select(ToDetails)], NextCursor = next });
    }

    private static long? RuleId(string? text, Errors errors)
    {
        if (text is null)
        {
            return null;
        }

        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ruleId))
        {
            return ruleId;
        }

        errors.Add("ruleId", "ruleId must be a rule's id, a whole number.");
        return null;
    }

    private static (DateTimeOffset At, long Id)? Decode(string? cursor, Errors errors)
    {
        if (cursor is null)
        {
            return null;
        }

        if (PageCursor.Decode(cursor, 2) is [var time, var alertId]
            && long.TryParse(time, NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            && long.TryParse(alertId, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            && ticks <= DateTimeOffset.MaxValue.UtcTicks)
        {
            return (new DateTimeOffset(ticks, TimeSpan.Zero), id);
        }

        errors.Add("cursor", PageCursor.Invalid);
        return null;
    }

    private static AlertDetails ToDetails(Alert alert) => new()
    {
        Id = alert.Id,
        RuleId = alert.RuleId,
        Kind = alert.Kind,
        At = alert.At,
        Summary = alert.Summary,
        Message = JsonSerializer.Deserialize<AlertMessage>(alert.Message, AlertJson.Options),
        Deliveries = JsonSerializer.Deserialize<AlertDelivery[]>(alert.Deliveries, AlertJson.Options)
            ?? [],
    };
}
