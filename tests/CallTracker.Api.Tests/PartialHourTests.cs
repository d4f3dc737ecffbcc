using System.Globalization;
using CallTracker.Api.Tests.Infrastructure;

namespace CallTracker.Api.Tests;

/// <summary>
/// Reports over ranges that do not start or end on the hour. The part of an hour inside the range is counted
/// either from its events or as the hour's rollup row less the events outside the range; whichever way is
/// taken, every count must equal the same counting over the events themselves.
/// </summary>
[Collection(ApiSuite.Name)]
public sealed class PartialHourTests(ApiFixture fixture)
{
    private static readonly int?[] Codes = [486, 480, 503, 404, null];

    [Fact]
    public async Task EveryReport_CountsWhatTheEventsSay_WhateverMinuteTheRangeStartsAndEnds()
    {
        var project = await fixture.CreateProjectAsync();
        // Whole seconds, so that the ranges' bounds and the events' times compare alike here and in PostgreSQL
        // (which keeps microseconds).
        var now = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());

        // A call every three minutes over the last five hours, codes and agents in turn.
        var events = Enumerable.Range(1, 100).Select(index => new
        {
            occurredAt = now.AddMinutes(-3 * index).ToString("O"),
            sipCode = Codes[index % Codes.Length],
            localCause = Codes[index % Codes.Length] is null ? "transport_error" : null,
            agent = $"agent-{index % 3}",
            trunk = index % 2 == 0 ? "t1" : "t2",
        }).ToArray();
        (await project.Ingest.PostEventsAsync(events)).EnsureSuccessStatusCode();

        var hour = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero);
        var ranges = new (DateTimeOffset From, DateTimeOffset To)[]
        {
            (now.AddHours(-3), now), // ends now: the current hour's row, nothing to take away
            (hour.AddHours(-3).AddMinutes(5), hour.AddHours(-1).AddMinutes(50)), // both ends: row less the rest
            (hour.AddHours(-3).AddMinutes(55), hour.AddHours(-1).AddMinutes(5)), // both ends: from the events
            (hour.AddHours(-2).AddMinutes(10), hour.AddHours(-2).AddMinutes(40)), // inside one hour
            (hour.AddHours(-4), hour.AddHours(-1)), // whole hours only
            (now.AddHours(-2).AddMinutes(-20), now.AddMinutes(2)), // ends a little ahead of now
        };

        foreach (var (from, to) in ranges)
        {
            var range = $"from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(to.ToString("O"))}";
            var where = $"""
                project_id = {project.Id} AND occurred_at >= '{from:O}' AND occurred_at < '{to:O}'
                """;

            var codes = await project.Read.GetJsonAsync($"/api/v1/reports/codes?{range}");
            Assert.Equal(await fixture.CountSqlAsync($"SELECT count(*) FROM call_events WHERE {where}"),
                (long)codes["total"]!);
            foreach (var row in codes["codes"]!.AsArray())
            {
                var code = row!["code"] is { } value ? $"= {(int)value}" : "IS NULL";
                Assert.Equal(
                    await fixture.CountSqlAsync($"SELECT count(*) FROM call_events WHERE {where} AND sip_code {code}"),
                    (long)row["count"]!);
            }

            var agents = await project.Read.GetJsonAsync($"/api/v1/reports/agents?{range}");
            foreach (var row in agents["rows"]!.AsArray())
            {
                var agent = (string)row!["value"]!;
                Assert.Equal(
                    await fixture.CountSqlAsync($"SELECT count(*) FROM call_events WHERE {where} AND agent = '{agent}'"),
                    (long)row["failures"]!);
            }

            var byHour = await project.Read.GetJsonAsync($"/api/v1/reports/timeseries?interval=hour&{range}");
            foreach (var bucket in byHour["buckets"]!.AsArray())
            {
                var start = DateTimeOffset.Parse((string)bucket!["start"]!, CultureInfo.InvariantCulture);
                var counted = await fixture.CountSqlAsync($"""
                    SELECT count(*) FROM call_events WHERE {where}
                        AND occurred_at >= '{start:O}' AND occurred_at < '{start.AddHours(1):O}'
                    """);
                Assert.Equal(counted, (long)bucket["failures"]!);
            }
        }
    }
}
