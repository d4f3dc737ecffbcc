using CallTracker.Storage;
using Microsoft.Extensions.Options;

namespace CallTracker.Api.Hosting;

/// <summary>
/// Applies CallTracker:Retention every interval: each project's events older than EventDays, and its rollups
/// and issues older than RollupDays, deleted in bounded batches (Storage/Retention). A sweep that fails (the
/// database is down) is logged and tried again at the next interval; nothing else waits for it.
/// </summary>
public sealed class RetentionSweeper(
    Retention retention, IOptions<CallTrackerOptions> options, TimeProvider clock, ILogger<RetentionSweeper> logger)
    : BackgroundService
{
    private readonly RetentionOptions settings = options.Value.Retention;

    /// <summary>
    /// Refuses settings that would lose data by mistake: rollups kept shorter than the events they count, or
    /// a batch of no rows. Called at start-up, so that the service does not start with them.
    /// </summary>
    public static void Validate(RetentionOptions settings)
    {
        if (settings.EventDays < 0 || settings.RollupDays < 0 || settings.BatchSize < 1
            || settings.Interval <= TimeSpan.Zero)
        {
            throw new InvalidOperationException(
                "CallTracker:Retention: EventDays and RollupDays must be 0 (keep for ever) or more, BatchSize at " +
                "least 1 and Interval positive.");
        }

        if (settings.RollupDays > 0 && (settings.EventDays == 0 || settings.RollupDays < settings.EventDays))
        {
            throw new InvalidOperationException(
                "CallTracker:Retention:RollupDays must be 0 (keep for ever) or at least EventDays: the rollups " +
                "count the events, and reports would lose hours whose events are still stored.");
        }
    }

    /// <summary>One sweep over every project, now; what the timer runs.</summary>
    public async Task<SweepResult> SweepAsync(CancellationToken cancellationToken)
    {
        var (eventsBefore, rollupsBefore) = Cutoffs(clock.GetUtcNow());
        var total = new SweepResult(0, 0, 0, 0, 0, 0);
        foreach (var projectId in await retention.ProjectIdsAsync(cancellationToken))
        {
            var swept = await retention.SweepProjectAsync(
                projectId, eventsBefore, rollupsBefore, settings.BatchSize, cancellationToken);
            total = new SweepResult(total.Calls + swept.Calls, total.Errors + swept.Errors,
                total.Rollups + swept.Rollups, total.Issues + swept.Issues, total.Alerts + swept.Alerts,
                total.Batches + swept.Batches);
        }

        return total;
    }

    /// <summary>
    /// Events older than EventDays; rollups, issues and alerts before the UTC day RollupDays ago, whole days, so that
    /// a day's daily row never goes while its hourly rows stay (a report would read them differently).
    /// </summary>
    public (DateTimeOffset? Events, DateTimeOffset? Rollups) Cutoffs(DateTimeOffset now) => (
        settings.EventDays > 0 ? now.AddDays(-settings.EventDays) : null,
        settings.RollupDays > 0 ? new DateTimeOffset(now.UtcDateTime.Date.AddDays(-settings.RollupDays)) : null);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (settings.EventDays == 0 && settings.RollupDays == 0)
        {
            return;
        }

        using var timer = new PeriodicTimer(settings.Interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var swept = await SweepAsync(stoppingToken);
                logger.LogInformation(
                    "Retention deleted {Calls} failed calls, {Errors} error events, {Rollups} rollup rows and " +
                    "{Issues} issues and {Alerts} alerts in {Batches} batches",
                    swept.Calls, swept.Errors, swept.Rollups, swept.Issues, swept.Alerts, swept.Batches);
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning("Retention sweep failed ({Reason}); trying again in {Interval}",
                    Http.Problems.SafeReason(exception), settings.Interval);
            }
        }
    }
}
