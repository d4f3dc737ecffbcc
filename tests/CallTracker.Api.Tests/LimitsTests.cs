using System.Net;
using System.Net.Http.Json;
using CallTracker.Api.Security;
using CallTracker.Api.Tests.Infrastructure;
using static CallTracker.Api.Tests.Infrastructure.HttpExtensions;

namespace CallTracker.Api.Tests;

/// <summary>
/// What a project may send (issue 7): a rate per ingest key and a monthly quota per project, both in events,
/// answered with 429 and Retry-After (and Sentry's X-Sentry-Rate-Limits on its endpoint), storing nothing of
/// what was refused. The quota is counted in PostgreSQL, so a restarted service still holds it.
/// </summary>
[Collection(ApiSuite.Name)]
public sealed class LimitsTests(ApiFixture fixture)
{
    [Fact]
    public async Task AKeyPastItsEventsPerMinute_Gets429_AndAnotherKeyOfTheProjectStillSends()
    {
        var project = await fixture.CreateProjectAsync();
        await SetAsync(project, new { eventsPerMinutePerKey = 5 });
        var other = await NewKeyClientAsync(project);

        var first = await project.Ingest.PostEventsAsync(Failures(3));
        var second = await project.Ingest.PostEventsAsync(Failures(3));
        var otherKey = await other.PostEventsAsync(Failures(3));

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.Equal("application/problem+json", second.Content.Headers.ContentType?.MediaType);
        Assert.True(second.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal(HttpStatusCode.Accepted, otherKey.StatusCode);
        Assert.Equal(6, await StoredAsync(project));
    }

    [Fact]
    public async Task ARequestWithMoreEventsThanTheLimitPerMinute_IsRefusedWholeAs413_SinceNoRetryCouldPass()
    {
        var project = await fixture.CreateProjectAsync();
        await SetAsync(project, new { eventsPerMinutePerKey = 5 });

        var response = await project.Ingest.PostEventsAsync(Failures(6));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Null(response.Headers.RetryAfter);
        Assert.Contains("at most 5", (string)(await response.JsonAsync())["detail"]!, StringComparison.Ordinal);
        Assert.Equal(0, await StoredAsync(project));
    }

    [Fact]
    public async Task TheMonthlyQuota_RefusesWhatGoesPastIt_AndHoldsAfterARestart()
    {
        var project = await fixture.CreateProjectAsync();
        await SetAsync(project, new { monthlyEventQuota = 4 });

        var within = await project.Ingest.PostEventsAsync(Failures(3));
        var past = await project.Ingest.PostEventsAsync(Failures(2));
        var one = await project.Ingest.PostEventsAsync(Failures(1));

        // A new instance of the service, with nothing in memory: it reads what was stored this month.
        using var restarted = fixture.Factory.WithWebHostBuilder(_ => { });
        var ingest = restarted.CreateClient();
        ingest.DefaultRequestHeaders.Add(Authentication.IngestKeyHeader, project.IngestKey);
        var afterRestart = await ingest.PostEventsAsync(Failures(1));
        var settings = await project.Read.GetJsonAsync("/api/v1/project");

        Assert.Equal(HttpStatusCode.Accepted, within.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, past.StatusCode);
        Assert.True(past.Headers.RetryAfter?.Delta > TimeSpan.FromSeconds(1), "Retry-After is the month's end");
        Assert.Equal(HttpStatusCode.Accepted, one.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, afterRestart.StatusCode);
        Assert.Equal(4, await StoredAsync(project));
        Assert.Equal(4, (long)settings["eventsThisMonth"]!);
        Assert.Equal(4, (long)settings["monthlyEventQuota"]!);
    }

    [Fact]
    public async Task TheSentryEndpoint_SaysSoInSentrysOwnHeader()
    {
        var project = await fixture.CreateProjectAsync();
        await SetAsync(project, new { monthlyEventQuota = 1 });

        var first = await PostEnvelopeAsync(project);
        var second = await PostEnvelopeAsync(project);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.EndsWith("::organization:usage_exceeded",
            second.Headers.GetValues("X-Sentry-Rate-Limits").Single(), StringComparison.Ordinal);
        Assert.True(second.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal(1, await StoredAsync(project));
    }

    [Fact]
    public async Task NegativeLimits_AreRefused()
    {
        var project = await fixture.CreateProjectAsync();

        var response = await project.Read.PatchAsJsonAsync(
            "/api/v1/project", new { eventsPerMinutePerKey = -1, monthlyEventQuota = -5 });
        var errors = (await response.JsonAsync())["errors"]!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull(errors["eventsPerMinutePerKey"]);
        Assert.NotNull(errors["monthlyEventQuota"]);
    }

    private static object[] Failures(int count) =>
        [.. Enumerable.Range(0, count).Select(_ => new { occurredAt = MinutesAgo(1), sipCode = 486 })];

    private static async Task SetAsync(TestProject project, object settings)
    {
        var response = await project.Read.PatchAsJsonAsync("/api/v1/project", settings);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<HttpClient> NewKeyClientAsync(TestProject project)
    {
        var created = await (await project.Read.PostAsJsonAsync(
            $"/api/v1/projects/{project.Id}/keys", new { name = "second" })).JsonAsync();
        var client = fixture.Factory.CreateClient();
        client.DefaultRequestHeaders.Add(Authentication.IngestKeyHeader, (string)created["key"]!);
        return client;
    }

    private Task<long> StoredAsync(TestProject project) => fixture.CountSqlAsync(
        $"SELECT (SELECT count(*) FROM call_events WHERE project_id = {project.Id}) "
        + $"+ (SELECT count(*) FROM error_events WHERE project_id = {project.Id})");

    private async Task<HttpResponseMessage> PostEnvelopeAsync(TestProject project)
    {
        var eventId = Guid.NewGuid();
        var payload = $"{{\"event_id\":\"{eventId:N}\",\"timestamp\":{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}.0,"
            + "\"platform\":\"javascript\",\"level\":\"error\",\"message\":\"Something broke\"}";
        return await fixture.Factory.CreateClient()
            .PostSentryEventAsync(project.Id, project.IngestKey, eventId, payload);
    }
}
