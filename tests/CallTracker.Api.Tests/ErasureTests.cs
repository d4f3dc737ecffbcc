using System.Net;
using System.Net.Http.Json;
using CallTracker.Api.Security;
using CallTracker.Api.Tests.Infrastructure;
using static CallTracker.Api.Tests.Infrastructure.HttpExtensions;

namespace CallTracker.Api.Tests;

/// <summary>
/// A data subject's request (issue 7): everything stored about one phone number is deleted through the admin
/// API, however it was dialled, and the reports and issues no longer count it.
/// </summary>
[Collection(ApiSuite.Name)]
public sealed class ErasureTests(ApiFixture fixture)
{
    [Fact]
    public async Task ErasingANumber_DeletesItsCallsAndErrors_AndTheCountsFollow()
    {
        var project = await fixture.CreateProjectAsync();
        string[] sameNumber = ["0901234501", "+84 90 123 45 01", "84901234501"];
        foreach (var dialled in sameNumber.Append("0912000002").Append("0912000002"))
        {
            (await project.Ingest.PostEventsAsync(
                new { occurredAt = MinutesAgo(1), sipCode = 486, phoneNumber = dialled })).EnsureSuccessStatusCode();
        }

        await PostErrorAsync(project, "Call to 0901234501 dropped by the WebSocket");
        await PostErrorAsync(project, "Call to a withheld number dropped");

        var erased = await project.Read.PostAsJsonAsync(
            $"/api/v1/projects/{project.Id}/erasures", new { phoneNumber = "090 123 4501" });
        var result = await erased.JsonAsync();
        var report = await project.Read.GetJsonAsync("/api/v1/reports/classes");
        var issues = await project.Read.GetJsonAsync("/api/v1/issues?kind=call");

        Assert.Equal(HttpStatusCode.OK, erased.StatusCode);
        Assert.Equal(3, (long)result["failedCalls"]!);
        Assert.Equal(1, (long)result["errorEvents"]!);
        Assert.Equal(2, (long)report["total"]!);
        Assert.Equal(2, issues["items"]!.AsArray().Sum(issue => (long)issue!["eventCount"]!));
        Assert.Equal(2, await fixture.CountSqlAsync(
            $"SELECT sum(count)::bigint FROM call_rollups WHERE project_id = {project.Id} " +
            "AND grain = 'd' AND dimension_set = 3"));
        Assert.Equal(0, await fixture.CountSqlAsync(
            $"SELECT count(*) FROM call_events WHERE project_id = {project.Id} AND phone_e164 = '+84901234501'"));
        Assert.Equal(1, await fixture.CountSqlAsync(
            $"SELECT count(*) FROM error_events WHERE project_id = {project.Id}"));
    }

    [Fact]
    public async Task AnErasure_NeedsAnAdminToken_AndANumber()
    {
        var project = await fixture.CreateProjectAsync("owner", Scopes.Admin, Scopes.ReadPhone);
        var created = await (await project.Read.PostAsJsonAsync($"/api/v1/projects/{project.Id}/tokens",
            new { name = "reader", scopes = new[] { "read:phone" } })).JsonAsync();
        var reader = fixture.Factory.CreateClient();
        reader.DefaultRequestHeaders.Authorization = new("Bearer", (string)created["token"]!);

        var forbidden = await reader.PostAsJsonAsync(
            $"/api/v1/projects/{project.Id}/erasures", new { phoneNumber = "0901234501" });
        var empty = await project.Read.PostAsJsonAsync($"/api/v1/projects/{project.Id}/erasures", new { });

        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.NotNull((await empty.JsonAsync())["errors"]!["phoneNumber"]);
    }

    private async Task PostErrorAsync(TestProject project, string message)
    {
        var eventId = Guid.NewGuid();
        var payload = $"{{\"event_id\":\"{eventId:N}\",\"timestamp\":{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}.0,"
            + $"\"platform\":\"javascript\",\"level\":\"error\",\"message\":\"{message}\"}}";
        var response = await fixture.Factory.CreateClient().PostSentryEventAsync(
            project.Id, project.IngestKey, eventId, payload);
        response.EnsureSuccessStatusCode();
    }
}
