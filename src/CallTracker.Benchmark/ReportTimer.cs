using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Npgsql;

namespace CallTracker.Benchmark;

/// <summary>One report over one range: the service's answer times, and a plain GROUP BY's beside it.</summary>
internal sealed record ReportTiming(
    string Report, string Range, double P50Ms, double P95Ms, double PlainP50Ms, double PlainP95Ms)
{
    public double Speedup => P50Ms == 0 ? 0 : PlainP50Ms / P50Ms;
}

/// <summary>
/// Times each report through HTTP, as ops would call it, and the same counting written as the obvious
/// GROUP BY over call_events: what the report would cost without the rollups.
/// </summary>
internal static class ReportTimer
{
    // Path (with its own parameters), and the plain query's grouping columns and filter.
    private static readonly (string Name, string Path, string PlainGroup)[] Reports =
    [
        ("classes", "classes", "response_class, sip_code, local_cause, outcome"),
        ("outcomes", "outcomes", "response_class, sip_code, local_cause, outcome"),
        ("codes", "codes", "response_class, sip_code, local_cause, outcome"),
        ("agents", "agents", "response_class, sip_code, outcome, agent"),
        ("trunks", "trunks", "response_class, sip_code, outcome, trunk"),
        ("carriers", "carriers", "response_class, sip_code, outcome, phone_region, phone_carrier"),
        ("ratios", "ratios", "response_class, outcome"),
        ("timeseries by hour", "timeseries?interval=hour&groupBy=class&tz=Asia/Ho_Chi_Minh",
            "response_class, outcome, date_trunc('hour', occurred_at, 'Asia/Ho_Chi_Minh')"),
        ("timeseries by day", "timeseries?interval=day&groupBy=outcome&tz=Asia/Ho_Chi_Minh",
            "response_class, outcome, (occurred_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date"),
        ("tag campaign (events)", "tags/campaign", "response_class, outcome, tags ->> 'campaign'"),
    ];

    public static async Task<List<ReportTiming>> RunAsync(
        ServiceProcess service, string connectionString, int project, Settings settings)
    {
        using var client = new HttpClient { BaseAddress = service.Address, Timeout = TimeSpan.FromMinutes(5) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ServiceProcess.ApiToken);
        await using var connection = await Database.OpenAsync(connectionString);

        var timings = new List<ReportTiming>();
        foreach (var days in new[] { 1, 30 })
        {
            var to = DateTimeOffset.UtcNow;
            var from = to.AddDays(-days);
            var range = $"from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(to.ToString("O"))}";
            foreach (var (name, path, group) in Reports)
            {
                var separator = path.Contains('?', StringComparison.Ordinal) ? '&' : '?';
                var report = await TimeAsync(settings.ReportRuns, async () =>
                {
                    using var response = await client.GetAsync($"/api/v1/reports/{path}{separator}{range}");
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        throw new InvalidOperationException($"{path} answered {(int)response.StatusCode}");
                    }

                    await response.Content.ReadAsByteArrayAsync();
                });
                var plain = await TimeAsync(settings.PlainRuns, async () =>
                {
                    await using var command = new NpgsqlCommand($"""
                        SELECT {group}, count(*) FROM call_events
                        WHERE project_id = $1 AND occurred_at >= $2 AND occurred_at < $3
                        GROUP BY {group}
                        """, connection) { CommandTimeout = 0 };
                    command.Parameters.Add(new NpgsqlParameter { Value = project });
                    command.Parameters.Add(new NpgsqlParameter { Value = from });
                    command.Parameters.Add(new NpgsqlParameter { Value = to });
                    await using var reader = await command.ExecuteReaderAsync();
                    while (await reader.ReadAsync())
                    {
                    }
                });

                var timing = new ReportTiming(name, $"{days} d", report.P50, report.P95, plain.P50, plain.P95);
                Console.WriteLine($"  {timing.Report,-24} {timing.Range,5}: p50 {timing.P50Ms,8:F1} ms, " +
                    $"p95 {timing.P95Ms,8:F1} ms; plain GROUP BY p50 {timing.PlainP50Ms,8:F1} ms");
                timings.Add(timing);
            }
        }

        return timings;
    }

    private static async Task<(double P50, double P95)> TimeAsync(int runs, Func<Task> run)
    {
        await run();
        var times = new List<double>(runs);
        for (var index = 0; index < runs; index++)
        {
            var started = Stopwatch.GetTimestamp();
            await run();
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        times.Sort();
        return (LoadGenerator.Percentile(times, 0.50), LoadGenerator.Percentile(times, 0.95));
    }
}
