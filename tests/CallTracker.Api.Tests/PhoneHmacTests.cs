using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using CallTracker.Api.Hosting;
using CallTracker.Api.Security;
using CallTracker.Api.Tests.Infrastructure;
using CallTracker.Sip.Phones;
using Microsoft.AspNetCore.Mvc.Testing;
using static CallTracker.Api.Tests.Infrastructure.HttpExtensions;

namespace CallTracker.Api.Tests;

/// <summary>
/// CallTracker:Phone:Storage = Hmac (issue 7): numbers reach the database only as HMAC tokens, in their
/// columns, the party headers, the raw message, tags and extra data; grouping, distinct numbers and the
/// erasure of a number keep working.
/// </summary>
[Collection(ApiSuite.Name)]
public sealed class PhoneHmacTests(ApiFixture fixture) : IAsyncLifetime
{
    private const string Key = "a-secret-of-this-installation-0123456789abcdef";

    private WebApplicationFactory<Program> hashing = null!;

    public Task InitializeAsync()
    {
        hashing = fixture.Factory.WithWebHostBuilder(host => host
            .UseSetting("CallTracker:Phone:Storage", "Hmac")
            .UseSetting("CallTracker:Phone:HmacKey", Key));
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => hashing.DisposeAsync().AsTask();

    [Fact]
    public async Task AFailedCall_IsStoredWithoutItsNumbers_ButWithItsCountryAndCarrier()
    {
        var project = await fixture.CreateProjectAsync();
        var ingest = Client(project, ingestKey: true);

        var posted = await ingest.PostEventsAsync(new
        {
            occurredAt = MinutesAgo(1),
            sipMessage = SharedData.SipResponse("01-486.sip").Replace(
                "Server: CarrierGW/4.2", "P-Asserted-Identity: <tel:+84281234567>\r\nServer: CarrierGW/4.2",
                StringComparison.Ordinal),
            phoneNumber = "0900000001",
            tags = new { customer = "0900000001" },
            extra = new { note = "called +84 900000001 twice" },
        });

        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        var where = $"FROM call_events AS e WHERE project_id = {project.Id}";
        Assert.Equal(1, await fixture.CountSqlAsync($"SELECT count(*) {where}"));
        Assert.Equal(0, await fixture.CountSqlAsync(
            $"SELECT count(*) {where} AND (e::text LIKE '%900000001%' OR e::text LIKE '%281234567%')"));
        Assert.Equal(1, await fixture.CountSqlAsync(
            $"SELECT count(*) {where} AND phone_number LIKE 'hmac:%' AND phone_e164 = phone_number " +
            "AND phone_region = 'VN' AND phone_carrier IS NOT NULL AND sip_message LIKE '%To: <sip:hmac:%'"));
    }

    [Fact]
    public async Task NumbersInFreeText_AndInAFingerprint_AreTokensToo_AndOtherNumbersStayNumbers()
    {
        var project = await fixture.CreateProjectAsync();
        var clear = await fixture.CreateProjectAsync();
        var ingest = Client(project, ingestKey: true);
        var call = new
        {
            occurredAt = MinutesAgo(1),
            sipCode = 480,
            phoneNumber = "0912345678",
            callId = "0987654321-1@pbx",
            tags = new { note = "customer 0987 654 321 asked" },
            extra = new { note = "call 091-234-5678 failed", dialled = 84912345678, attempt = 1764832500000 },
            fingerprint = new[] { "{{ default }}", "0987654321" },
        };

        var posted = await ingest.PostEventsAsync(call);
        (await clear.Ingest.PostEventsAsync(call)).EnsureSuccessStatusCode();

        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        var where = $"FROM call_events AS e WHERE project_id = {project.Id}";
        Assert.Equal(0, await fixture.CountSqlAsync(
            $"SELECT count(*) {where} AND (e::text LIKE '%654321%' OR e::text LIKE '%654 321%' " +
            "OR e::text LIKE '%345678%' OR e::text LIKE '%234-5678%')"));
        Assert.Equal(1, await fixture.CountSqlAsync(
            $"SELECT count(*) {where} AND extra->>'attempt' = '1764832500000' " +
            "AND jsonb_typeof(extra->'attempt') = 'number'"));
        // In clear the fingerprint hashes the number itself; here, its token.
        Assert.Equal(0, await fixture.CountSqlAsync(
            $"SELECT count(*) {where} AND fingerprint IN " +
            $"(SELECT fingerprint FROM call_events WHERE project_id = {clear.Id})"));
    }

    [Fact]
    public async Task OneNumberDialledTwoWays_IsOneNumberOfItsIssue()
    {
        var project = await fixture.CreateProjectAsync();
        var ingest = Client(project, ingestKey: true);
        foreach (var dialled in new[] { "0901234501", "+84 90 123 45 01", "0901234502" })
        {
            (await ingest.PostEventsAsync(new { occurredAt = MinutesAgo(1), sipCode = 486, phoneNumber = dialled }))
                .EnsureSuccessStatusCode();
        }

        var reader = Client(project, ingestKey: false);
        var issues = await reader.GetJsonAsync("/api/v1/issues?kind=call");
        var issue = Assert.Single(issues["items"]!.AsArray());
        var details = await reader.GetJsonAsync($"/api/v1/issues/{issue!["id"]}");
        var events = await reader.GetJsonAsync("/api/v1/events?limit=10");

        Assert.Equal(3, (long)issue["eventCount"]!);
        Assert.Equal(2, (long)details["phoneNumbers"]!);
        Assert.All(events["items"]!.AsArray(),
            item => Assert.StartsWith(PhonePseudonyms.Prefix, (string)item!["phoneNumber"]!, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ErasingANumber_FindsItsTokens()
    {
        var project = await fixture.CreateProjectAsync();
        var ingest = Client(project, ingestKey: true);
        foreach (var dialled in new[] { "0901234501", "84901234501", "0901234502" })
        {
            (await ingest.PostEventsAsync(new { occurredAt = MinutesAgo(1), sipCode = 480, phoneNumber = dialled }))
                .EnsureSuccessStatusCode();
        }

        var erased = await Client(project, ingestKey: false).PostAsJsonAsync(
            $"/api/v1/projects/{project.Id}/erasures", new { phoneNumber = "+84 901 234 501" });

        Assert.Equal(HttpStatusCode.OK, erased.StatusCode);
        Assert.Equal(2, (long)(await erased.JsonAsync())["failedCalls"]!);
        Assert.Equal(1, await fixture.CountSqlAsync(
            $"SELECT count(*) FROM call_events WHERE project_id = {project.Id}"));
    }

    [Fact]
    public void HmacStorage_WithoutAKey_StopsTheStart_SayingWhatIsMissing()
    {
        var options = new PhoneOptions { Storage = PhoneStorage.Hmac };

        var refused = Assert.Throws<InvalidOperationException>(
            () => PhoneSetup.CreatePseudonyms(options, new PhoneNumberAnalyzer("VN")));

        Assert.Contains("CallTracker:Phone:HmacKey", refused.Message, StringComparison.Ordinal);
    }

    private HttpClient Client(TestProject project, bool ingestKey)
    {
        var client = hashing.CreateClient();
        if (ingestKey)
        {
            client.DefaultRequestHeaders.Add(Authentication.IngestKeyHeader, project.IngestKey);
        }
        else
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", project.ApiToken);
        }

        return client;
    }
}
