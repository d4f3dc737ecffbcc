using System.Diagnostics;
using System.Globalization;
using System.Security.Claims;
using CallTracker.Api.Hosting;
using CallTracker.Api.Http;
using CallTracker.Api.Security;
using CallTracker.Sip;
using CallTracker.Sip.Phones;
using CallTracker.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CallTracker.Api.Reports;

/// <summary>
/// Reports over failed calls, and over answered ones where a ratio needs them. Every report takes the same
/// filters (<see cref="ReportQuery"/>) and can be downloaded as CSV.
/// </summary>
public static class ReportsEndpoints
{
    private const int MaxBuckets = 1000;
    private const string Filters =
        " Filters: agent, trunk, outcome, class, code, country, carrier and any tag as tag[key]=value. The " +
        "range is [from, to) by the time the call ended, the last 24 hours by default; a date without a time " +
        "is midnight in tz. CSV with format=csv or Accept: text/csv.";

    private static readonly string[] GroupBys = ["class", "outcome", "code"];
    private static readonly string[] Intervals = ["hour", "day"];

    public static IEndpointRouteBuilder MapReportsEndpoints(this IEndpointRouteBuilder app)
    {
        var reports = app.MapGroup("/api/v1/reports").WithTags("Reports")
            .RequireAuthorization(Authentication.ReadPolicy)
            .AddEndpointFilter(async (context, next) =>
            {
                // Every report's latency on /metrics, by its route.
                var started = Stopwatch.GetTimestamp();
                try
                {
                    return await next(context);
                }
                finally
                {
                    var route = (context.HttpContext.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;
                    context.HttpContext.RequestServices.GetRequiredService<ServiceMetrics>()
                        .Report(route ?? "unknown", Stopwatch.GetElapsedTime(started));
                }
            });

        Report(reports.MapGet("classes", ClassesAsync),
            "Failed calls per SIP response class, with the codes inside each",
            "Classes 3xx, 4xx, 5xx, 6xx and `none` (the call ended with no final response; broken down by " +
            "local cause) are always listed, in that order, with zero counts too.");
        Report(reports.MapGet("outcomes", OutcomesAsync),
            "Failed calls per outcome: busy, no answer, unreachable, network error, ...",
            "Every failure outcome is listed, in a fixed order, with zero counts too, and the codes that led " +
            "to it. Labels follow Accept-Language (en, vi).");
        Report(reports.MapGet("codes", CodesAsync),
            "Failed calls per response code (and per local cause for calls with none), most frequent first",
            "Each code with its class, standard phrase, share of all failures and the outcomes it gave.");
        Report(reports.MapGet("agents", AgentsAsync),
            "Failures, outcomes and answer ratios per agent",
            Breakdown("agent"));
        Report(reports.MapGet("trunks", TrunksAsync),
            "Failures, outcomes and answer ratios per trunk",
            Breakdown("trunk"));
        Report(reports.MapGet("carriers", CarriersAsync),
            "Failures, outcomes and answer ratios per country and carrier of the number dialled",
            Breakdown("country and carrier (the operator the number's range was allocated to, from " +
                "libphonenumber: numbers ported since keep their original carrier)"));
        Report(reports.MapGet("tags/{key}", TagAsync),
            "Failures, outcomes and answer ratios per value of one tag, e.g. tags/campaign",
            Breakdown("value of the tag (calls without it form the row with a null value)"));
        Report(reports.MapGet("timeseries", TimeseriesAsync),
            "Failed calls over time, per hour or day in a time zone, by class, outcome or code",
            "Buckets are hours or days in tz (a day is local midnight to midnight), every bucket of the range " +
            "listed, empty ones as zero, at most 1000. Each bucket also has the answered calls and the ratios.");
        Report(reports.MapGet("ratios", RatiosAsync),
            "Answer-seizure ratio (ASR) and network effectiveness ratio (NER) over the range",
            "ASR = answered / attempts. NER (ITU-T E.425) = effective / attempts, where effective is every " +
            "call the network delivered: answered, busy, no answer, declined, unreachable, cancelled and " +
            "invalid number (see networkEffective in /api/v1/sip/outcomes). Both are null when no answered " +
            "call is in scope: the project does not send them, or a filter such as class or outcome excludes them.");

        return app;
    }

    private static void Report(RouteHandlerBuilder route, string summary, string description) =>
        route.ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithSummary(summary)
            .WithDescription(description + Filters);

    private static string Breakdown(string what) =>
        $"One row per {what}, most failures first, up to limit (100 by default, at most 1000; more says " +
        "there were others), and a total row. Each row has its failures per outcome, answered calls, " +
        "attempts (failures + answered), ASR and NER (null when no answered call is in scope).";

    private static async Task<Results<Ok<ClassReport>, ValidationProblem, CsvFile>> ClassesAsync(
        [AsParameters] ReportQuery query, HttpContext http, ClaimsPrincipal user, ReportQueries reports,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var (scope, problem) = query.Read(http.Request, user, clock.GetUtcNow());
        if (scope is null)
        {
            return problem!;
        }

        var failures = Failures(await reports.CountAsync(scope.Filter, new ReportGrouping(), cancellationToken));
        var total = failures.Sum(row => row.Count);
        var classes = ResponseClass.Failures.Select(responseClass =>
        {
            var inClass = failures.Where(row => row.ResponseClass == responseClass).ToList();
            var classTotal = inClass.Sum(row => row.Count);
            return new ClassShare
            {
                Class = responseClass,
                Count = classTotal,
                Share = Share(classTotal, total),
                Codes = CodeShares(inClass, classTotal),
                LocalCauses = inClass.Where(row => row.SipCode is null)
                    .GroupBy(row => row.LocalCause ?? LocalCauses.Unknown)
                    .Select(group => new LocalCauseShare
                    {
                        LocalCause = group.Key,
                        Count = group.Sum(row => row.Count),
                        Share = Share(group.Sum(row => row.Count), classTotal),
                    })
                    .OrderByDescending(cause => cause.Count).ThenBy(cause => cause.LocalCause, StringComparer.Ordinal)
                    .ToList(),
                Outcomes = OutcomeShares(inClass, classTotal, scope.Language, includeZeroes: false),
            };
        }).ToList();

        var report = new ClassReport
        {
            From = scope.Filter.From,
            To = scope.Filter.To,
            Agent = scope.Filter.Agent,
            Total = total,
            Classes = classes,
        };
        return scope.Csv ? Csv(scope, "classes", ClassCsv.Header, ClassCsv.Rows(report)) : TypedResults.Ok(report);
    }

    private static async Task<Results<Ok<OutcomeReport>, ValidationProblem, CsvFile>> OutcomesAsync(
        [AsParameters] ReportQuery query, HttpContext http, ClaimsPrincipal user, ReportQueries reports,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var (scope, problem) = query.Read(http.Request, user, clock.GetUtcNow());
        if (scope is null)
        {
            return problem!;
        }

        var failures = Failures(await reports.CountAsync(scope.Filter, new ReportGrouping(), cancellationToken));
        var total = failures.Sum(row => row.Count);
        var report = new OutcomeReport
        {
            From = scope.Filter.From,
            To = scope.Filter.To,
            Agent = scope.Filter.Agent,
            Total = total,
            Outcomes = OutcomeShares(failures, total, scope.Language, includeZeroes: true),
        };
        return scope.Csv
            ? Csv(scope, "outcomes", ["outcome", "label", "count", "share"],
                report.Outcomes.Select(outcome => Row(outcome.Outcome, outcome.Label, outcome.Count, outcome.Share)))
            : TypedResults.Ok(report);
    }

    private static async Task<Results<Ok<CodeReport>, ValidationProblem, CsvFile>> CodesAsync(
        [AsParameters] ReportQuery query, HttpContext http, ClaimsPrincipal user, ReportQueries reports,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var (scope, problem) = query.Read(http.Request, user, clock.GetUtcNow());
        if (scope is null)
        {
            return problem!;
        }

        var failures = Failures(await reports.CountAsync(scope.Filter, new ReportGrouping(), cancellationToken));
        var total = failures.Sum(row => row.Count);
        var codes = failures
            .GroupBy(row => (row.SipCode, row.LocalCause, row.ResponseClass))
            .Select(group => new CodeRow
            {
                Code = group.Key.SipCode,
                Phrase = group.Key.SipCode is { } code ? SipStatusCodes.StandardPhrase(code) : null,
                Class = group.Key.ResponseClass,
                LocalCause = group.Key.LocalCause,
                Count = group.Sum(row => row.Count),
                Share = Share(group.Sum(row => row.Count), total),
                Outcomes = group.GroupBy(row => row.Outcome)
                    .Select(outcome => new OutcomeCount
                    {
                        Outcome = outcome.Key,
                        Count = outcome.Sum(row => row.Count),
                    })
                    .OrderByDescending(outcome => outcome.Count)
                    .ThenBy(outcome => outcome.Outcome, StringComparer.Ordinal)
                    .ToList(),
            })
            .OrderByDescending(row => row.Count).ThenBy(row => row.Code ?? 1000)
            .ThenBy(row => row.LocalCause, StringComparer.Ordinal)
            .ToList();

        var report = new CodeReport { From = scope.Filter.From, To = scope.Filter.To, Total = total, Codes = codes };
        return scope.Csv
            ? Csv(scope, "codes", ["code", "phrase", "class", "local_cause", "count", "share", "outcomes"],
                codes.Select(code => Row(code.Code, code.Phrase, code.Class, code.LocalCause, code.Count, code.Share,
                    string.Join(' ', code.Outcomes.Select(outcome => $"{outcome.Outcome}:{outcome.Count}")))))
            : TypedResults.Ok(report);
    }

    /// <param name="limit">Rows to return, most failures first: 1-1000, 100 by default.</param>
    private static Task<Results<Ok<BreakdownReport>, ValidationProblem, CsvFile>> AgentsAsync(
        [AsParameters] ReportQuery query, HttpContext http, ClaimsPrincipal user, ReportQueries reports,
        TimeProvider clock, CancellationToken cancellationToken, string? limit = null) =>
        BreakdownAsync(query, new ReportGrouping(ReportDimension.Agent), "agent", limit, http, user, reports, clock,
            cancellationToken);

    /// <param name="limit">Rows to return, most failures first: 1-1000, 100 by default.</param>
    private static Task<Results<Ok<BreakdownReport>, ValidationProblem, CsvFile>> TrunksAsync(
        [AsParameters] ReportQuery query, HttpContext http, ClaimsPrincipal user, ReportQueries reports,
        TimeProvider clock, CancellationToken cancellationToken, string? limit = null) =>
        BreakdownAsync(query, new ReportGrouping(ReportDimension.Trunk), "trunk", limit, http, user, reports, clock,
            cancellationToken);

    /// <param name="limit">Rows to return, most failures first: 1-1000, 100 by default.</param>
    private static Task<Results<Ok<BreakdownReport>, ValidationProblem, CsvFile>> CarriersAsync(
        [AsParameters] ReportQuery query, HttpContext http, ClaimsPrincipal user, ReportQueries reports,
        TimeProvider clock, CancellationToken cancellationToken, string? limit = null) =>
        BreakdownAsync(query, new ReportGrouping(ReportDimension.Carrier), "carrier", limit, http, user, reports,
            clock, cancellationToken);

    /// <param name="key">The tag's key, as posted in the events' tags (e.g. campaign).</param>
    /// <param name="limit">Rows to return, most failures first: 1-1000, 100 by default.</param>
    private static Task<Results<Ok<BreakdownReport>, ValidationProblem, CsvFile>> TagAsync(
        string key, [AsParameters] ReportQuery query, HttpContext http, ClaimsPrincipal user, ReportQueries reports,
        TimeProvider clock, CancellationToken cancellationToken, string? limit = null) =>
        BreakdownAsync(query, new ReportGrouping(ReportDimension.Tag, key), $"tag:{key}", limit, http, user,
            reports, clock, cancellationToken);

    private static async Task<Results<Ok<BreakdownReport>, ValidationProblem, CsvFile>> BreakdownAsync(
        ReportQuery query, ReportGrouping grouping, string by, string? limit, HttpContext http, ClaimsPrincipal user,
        ReportQueries reports, TimeProvider clock, CancellationToken cancellationToken)
    {
        var rowLimit = 100;
        var (scope, problem) = query.Read(http.Request, user, clock.GetUtcNow(), (errors, _) =>
        {
            rowLimit = QueryParameters.WholeNumber(http.Request, "limit", limit, errors) ?? rowLimit;
            if (rowLimit is < 1 or > 1000)
            {
                errors.Add("limit", "limit must be between 1 and 1000.");
            }
        });
        if (scope is null)
        {
            return problem!;
        }

        var rows = await reports.CountAsync(scope.Filter, grouping, cancellationToken);
        var answeredInScope = rows.Any(IsAnswered);

        // A tag is whatever the CRM put in it, a customer's number too: masked like any number in free text.
        var maskTag = grouping.Dimension == ReportDimension.Tag && !PhoneAccess.SeesFullNumbers(http);
        var groups = rows.GroupBy(row => (row.Group, row.Carrier))
            .Select(group => Tally(group.ToList(), answeredInScope) with
            {
                Value = grouping.Dimension == ReportDimension.Carrier ? group.Key.Carrier
                    : maskTag && group.Key.Group is { } tag ? PhoneMask.RedactDigitRuns(tag)
                    : group.Key.Group,
                Country = grouping.Dimension == ReportDimension.Carrier ? group.Key.Group : null,
            })
            .OrderByDescending(row => row.Failures).ThenByDescending(row => row.Attempts)
            .ThenBy(row => row.Country, StringComparer.Ordinal).ThenBy(row => row.Value, StringComparer.Ordinal)
            .ToList();

        var report = new BreakdownReport
        {
            From = scope.Filter.From,
            To = scope.Filter.To,
            By = by,
            AnsweredCallsInScope = answeredInScope,
            Total = Tally(rows, answeredInScope),
            Rows = groups.Take(rowLimit).ToList(),
            More = groups.Count > rowLimit,
        };

        if (!scope.Csv)
        {
            return TypedResults.Ok(report);
        }

        var keys = grouping.Dimension == ReportDimension.Carrier ? new[] { "country", "carrier" } : [by];
        var outcomes = FailureOutcomes.ToList();
        string[] header = [.. keys, "failures", "answered", "attempts", "asr", "ner", .. outcomes];
        return Csv(scope, by.Replace(':', '-'), header, report.Rows.Select(row => Row(
        [
            .. grouping.Dimension == ReportDimension.Carrier ? new object?[] { row.Country, row.Value } : [row.Value],
            row.Failures, row.Answered, row.Attempts, row.Asr, row.Ner,
            .. outcomes.Select(outcome => (object?)row.Outcomes[outcome]),
        ])));
    }

    /// <param name="interval">hour or day (in tz).</param>
    /// <param name="groupBy">class, outcome or code: what each bucket's counts are split by.</param>
    private static async Task<Results<Ok<Timeseries>, ValidationProblem, CsvFile>> TimeseriesAsync(
        [AsParameters] ReportQuery query, HttpContext http, ClaimsPrincipal user, ReportQueries reports,
        TimeProvider clock, CancellationToken cancellationToken, string? interval = null, string? groupBy = null)
    {
        var step = "hour";
        var split = "class";
        string TooMany() => step == "hour"
            ? $"The range holds more than {MaxBuckets} hours: shorten it or use interval=day."
            : $"The range holds more than {MaxBuckets} days: shorten it.";
        var (scope, problem) = query.Read(http.Request, user, clock.GetUtcNow(), (errors, filter) =>
        {
            step = QueryParameters.OneOf(http.Request, "interval", interval, Intervals, errors) ?? step;
            split = QueryParameters.OneOf(http.Request, "groupBy", groupBy, GroupBys, errors) ?? split;

            // A rough bound, so that a range of years is refused before its hours are listed; the buckets are
            // counted exactly below, as a range starting mid-hour, or a day of 25 hours, can touch one more.
            var length = step == "hour" ? TimeSpan.FromHours(1) : TimeSpan.FromDays(1);
            if ((filter.To - filter.From) / length > MaxBuckets + 1)
            {
                errors.Add("from", TooMany());
            }
        });
        if (scope is null)
        {
            return problem!;
        }

        var reportInterval = step == "hour" ? ReportInterval.Hour : ReportInterval.Day;
        var grouping = new ReportGrouping(Interval: reportInterval, TimeZone: scope.Zone.Id);
        var rows = await reports.CountAsync(scope.Filter, grouping, cancellationToken);

        // Every bucket of the range, with the rows that fall in it: hours by their instant, days by local date.
        var zone = scope.Zone;
        var byHour = rows.ToLookup(row => row.Hour);
        var byDay = rows.ToLookup(row => row.Day);
        var starts = (reportInterval == ReportInterval.Hour
            ? (await reports.HoursAsync(scope.Filter.From, scope.Filter.To, zone.Id, cancellationToken))
                .Select(hour => (Start: hour, Rows: byHour[hour]))
            : LocalDays(scope.Filter.From, scope.Filter.To, zone)
                .Select(day => (Start: TimeZones.StartOfDay(day, zone), Rows: byDay[day]))).ToList();
        if (starts.Count > MaxBuckets)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["from"] = [TooMany()] });
        }

        var answeredInScope = rows.Any(IsAnswered);
        Func<ReportRow, string> keyOf = split switch
        {
            "outcome" => row => row.Outcome,
            "code" => row => row.SipCode?.ToString(CultureInfo.InvariantCulture) ?? ResponseClass.None,
            _ => row => row.ResponseClass,
        };
        var failures = Failures(rows);
        var keys = split switch
        {
            "outcome" => FailureOutcomes.ToList(),
            "code" => failures.GroupBy(keyOf).OrderByDescending(group => group.Sum(row => row.Count))
                .ThenBy(group => group.Key, StringComparer.Ordinal).Select(group => group.Key).ToList(),
            _ => ResponseClass.Failures.ToList(),
        };

        var buckets = starts.Select(bucket =>
        {
            var inBucket = bucket.Rows.ToList();
            var tally = Tally(inBucket, answeredInScope);
            var counts = keys.ToDictionary(key => key, _ => 0L);
            foreach (var row in Failures(inBucket))
            {
                counts[keyOf(row)] += row.Count;
            }

            return new TimeBucket
            {
                Start = TimeZones.Format(bucket.Start, zone),
                Failures = tally.Failures,
                Answered = tally.Answered,
                Asr = tally.Asr,
                Ner = tally.Ner,
                Counts = counts,
            };
        }).ToList();

        var report = new Timeseries
        {
            From = scope.Filter.From,
            To = scope.Filter.To,
            Interval = step,
            TimeZone = scope.Zone.Id,
            GroupBy = split,
            AnsweredCallsInScope = answeredInScope,
            Keys = keys,
            Buckets = buckets,
        };
        string[] header = ["start", "failures", "answered", "asr", "ner", .. keys];
        return scope.Csv
            ? Csv(scope, "timeseries", header, buckets.Select(bucket => Row(
                [bucket.Start, bucket.Failures, bucket.Answered, bucket.Asr, bucket.Ner,
                    .. keys.Select(key => (object?)bucket.Counts[key])])))
            : TypedResults.Ok(report);
    }

    private static async Task<Results<Ok<RatioReport>, ValidationProblem, CsvFile>> RatiosAsync(
        [AsParameters] ReportQuery query, HttpContext http, ClaimsPrincipal user, ReportQueries reports,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var (scope, problem) = query.Read(http.Request, user, clock.GetUtcNow());
        if (scope is null)
        {
            return problem!;
        }

        var rows = await reports.CountAsync(scope.Filter, new ReportGrouping(), cancellationToken);
        var tally = Tally(rows, rows.Any(IsAnswered));
        var report = new RatioReport
        {
            From = scope.Filter.From,
            To = scope.Filter.To,
            AnsweredCallsInScope = tally.Answered > 0,
            Attempts = tally.Attempts,
            Answered = tally.Answered,
            Effective = rows.Where(row => Outcome.NetworkEffective.Contains(row.Outcome)).Sum(row => row.Count),
            Failures = tally.Failures,
            Asr = tally.Asr,
            Ner = tally.Ner,
        };
        return scope.Csv
            ? Csv(scope, "ratios", ["attempts", "answered", "effective", "failures", "asr", "ner"],
                [Row(report.Attempts, report.Answered, report.Effective, report.Failures, report.Asr, report.Ner)])
            : TypedResults.Ok(report);
    }

    /// <summary>The local dates of the zone that [from, to) touches, in order.</summary>
    private static IEnumerable<DateOnly> LocalDays(DateTimeOffset from, DateTimeOffset to, TimeZoneInfo zone)
    {
        var last = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(to.AddTicks(-1), zone).DateTime);
        for (var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(from, zone).DateTime); day <= last;
             day = day.AddDays(1))
        {
            yield return day;
        }
    }

    /// <summary>Every outcome but answered, in the catalogue's order: the columns of a failure breakdown.</summary>
    private static IEnumerable<string> FailureOutcomes => Outcome.All.Where(outcome => outcome != Outcome.Answered);

    private static bool IsAnswered(ReportRow row) => row.ResponseClass == ResponseClass.Answered;

    private static List<ReportRow> Failures(IEnumerable<ReportRow> rows) =>
        rows.Where(row => !IsAnswered(row)).ToList();

    /// <summary>
    /// Failures per outcome, answered calls and the ratios of some rows. The ratios are null when the scope
    /// has no answered call at all (nothing says the project sends them) or the rows have no call (an empty
    /// bucket), and 0 for rows without an answer when others have some: those calls really were not answered.
    /// </summary>
    private static BreakdownRow Tally(IReadOnlyCollection<ReportRow> rows, bool answeredInScope)
    {
        var answered = rows.Where(IsAnswered).Sum(row => row.Count);
        var failures = rows.Where(row => !IsAnswered(row)).ToList();
        var failed = failures.Sum(row => row.Count);
        var attempts = answered + failed;
        var effective = rows.Where(row => Outcome.NetworkEffective.Contains(row.Outcome)).Sum(row => row.Count);

        return new BreakdownRow
        {
            Failures = failed,
            Answered = answered,
            Attempts = attempts,
            Asr = answeredInScope && attempts > 0 ? Share(answered, attempts) : null,
            Ner = answeredInScope && attempts > 0 ? Share(effective, attempts) : null,
            Outcomes = FailureOutcomes.ToDictionary(
                outcome => outcome, outcome => failures.Where(row => row.Outcome == outcome).Sum(row => row.Count)),
        };
    }

    private static List<CodeShare> CodeShares(IEnumerable<ReportRow> rows, long classTotal) =>
        rows.Where(row => row.SipCode is not null)
            .GroupBy(row => row.SipCode!.Value)
            .Select(group => new CodeShare
            {
                Code = group.Key,
                Phrase = SipStatusCodes.StandardPhrase(group.Key),
                Count = group.Sum(row => row.Count),
                Share = Share(group.Sum(row => row.Count), classTotal),
            })
            .OrderByDescending(code => code.Count).ThenBy(code => code.Code)
            .ToList();

    /// <summary>Failures per outcome, in the catalogue's order, with the codes that led to each.</summary>
    private static List<OutcomeShare> OutcomeShares(
        IReadOnlyList<ReportRow> rows, long total, string language, bool includeZeroes) =>
        FailureOutcomes
            .Select(outcome =>
            {
                var matching = rows.Where(row => row.Outcome == outcome).ToList();
                var count = matching.Sum(row => row.Count);
                return new OutcomeShare
                {
                    Outcome = outcome,
                    Label = Outcome.Labels[outcome].In(language),
                    Count = count,
                    Share = Share(count, total),
                    Codes = matching.Where(row => row.SipCode is not null)
                        .GroupBy(row => row.SipCode!.Value)
                        .Select(group => new OutcomeCode { Code = group.Key, Count = group.Sum(row => row.Count) })
                        .OrderByDescending(code => code.Count).ThenBy(code => code.Code)
                        .ToList(),
                };
            })
            .Where(share => includeZeroes || share.Count > 0)
            .ToList();

    private static CsvFile Csv(
        ReportScope scope, string name, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<object?>> rows)
    {
        var day = TimeZoneInfo.ConvertTime(scope.Filter.From, scope.Zone).ToString("yyyy-MM-dd",
            CultureInfo.InvariantCulture);
        return new CsvFile($"calltracker-{name}-{day}.csv", header, rows);
    }

    private static object?[] Row(params object?[] values) => values;

    private static double Share(long part, long whole) => whole == 0 ? 0 : Math.Round((double)part / whole, 4);

    /// <summary>The class report as a table: one line per code or local cause, one for an empty class.</summary>
    private static class ClassCsv
    {
        public static readonly string[] Header =
            ["class", "class_count", "class_share", "code", "phrase", "local_cause", "count", "share_of_class"];

        public static IEnumerable<IReadOnlyList<object?>> Rows(ClassReport report) =>
            report.Classes.SelectMany(item =>
            {
                var lines = item.Codes
                    .Select(code => Row(item.Class, item.Count, item.Share, code.Code, code.Phrase, null, code.Count,
                        code.Share))
                    .Concat(item.LocalCauses.Select(cause => Row(item.Class, item.Count, item.Share, null, null,
                        cause.LocalCause, cause.Count, cause.Share)))
                    .ToList();
                return lines.Count > 0 ? lines : [Row(item.Class, 0L, 0.0, null, null, null, 0L, 0.0)];
            });
    }
}
