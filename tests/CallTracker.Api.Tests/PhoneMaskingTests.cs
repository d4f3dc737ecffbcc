using CallTracker.Api.Tests.Infrastructure;
using static CallTracker.Api.Tests.Infrastructure.HttpExtensions;

namespace CallTracker.Api.Tests;

/// <summary>Customers' numbers are masked in every read by default, wherever in the event they appear.</summary>
[Collection(ApiSuite.Name)]
public sealed class PhoneMaskingTests(ApiFixture fixture)
{
    private const string Response =
        "SIP/2.0 486 Busy Here\r\nTo: <sip:0901234501@carrier.example>;tag=9\r\nCSeq: 102 INVITE\r\n\r\n";

    [Fact]
    public async Task ANumber_IsMaskedInTheEventItsHeadersItsRawResponseItsTagsAndItsIssue()
    {
        var project = await fixture.CreateProjectAsync();
        var eventId = Guid.NewGuid();
        await project.Ingest.PostEventsAsync(new
        {
            eventId,
            occurredAt = MinutesAgo(1),
            sipMessage = Response,
            phoneNumber = "0901234501",
            tags = new { dialled = "+84901234501" },
            extra = new { lead = new { phone = "84901234501" } },
        });

        var stored = await project.Read.GetJsonAsync($"/api/v1/events/{eventId}");
        var issueId = (await project.Read.GetJsonAsync("/api/v1/issues"))["items"]![0]!["id"]!.GetValue<long>();
        var issue = await project.Read.GetJsonAsync($"/api/v1/issues/{issueId}");
        var page = await project.Read.GetJsonAsync($"/api/v1/issues/{issueId}/events");

        Assert.Equal("+84 90 *** **01", (string)stored["phoneNumber"]!);
        Assert.True(stored["phoneMasked"]!.GetValue<bool>());
        Assert.Null(stored["phone"]!["e164"]);
        Assert.Equal("VN", (string)stored["phone"]!["region"]!);
        Assert.DoesNotContain("1234", stored.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("CSeq: 102 INVITE", (string)stored["sipMessage"]!, StringComparison.Ordinal);
        Assert.DoesNotContain("1234", issue.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("1234", page.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithTheSetting_NumbersAreShownInFull()
    {
        var project = await fixture.CreateProjectAsync();
        var eventId = Guid.NewGuid();
        await project.Ingest.PostEventsAsync(new
        {
            eventId,
            occurredAt = MinutesAgo(1),
            sipMessage = Response,
            phoneNumber = "0901234501",
        });

        var stored = await fixture.FullNumbersReader(project).GetJsonAsync($"/api/v1/events/{eventId}");

        Assert.Equal("0901234501", (string)stored["phoneNumber"]!);
        Assert.False(stored["phoneMasked"]!.GetValue<bool>());
        Assert.Equal("+84901234501", (string)stored["phone"]!["e164"]!);
        Assert.Contains("sip:0901234501@", (string)stored["sipMessage"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OtherNumbers_InPartyHeadersCallIdTagsExtraAndTheTagReport_AreMaskedToo()
    {
        var project = await fixture.CreateProjectAsync();
        var eventId = Guid.NewGuid();
        await project.Ingest.PostEventsAsync(new
        {
            eventId,
            occurredAt = MinutesAgo(1),
            sipCode = 486,
            phoneNumber = "0912345678",
            callId = "0912345678-call-1@pbx",
            headers = new Dictionary<string, string>
            {
                ["P-Asserted-Identity"] = "<tel:+84-28-3822-1234>",
                ["Diversion"] = "<sip:0987654321@pbx>;reason=no-answer",
            },
            tags = new { customer = "0987 654 321" },
            extra = new { note = "called 0987-654-321 first", attempt = 1764832500000 },
        });

        var stored = (await project.Read.GetJsonAsync($"/api/v1/events/{eventId}")).ToJsonString();
        var tags = (await project.Read.GetJsonAsync("/api/v1/reports/tags/customer")).ToJsonString();
        var csv = await (await project.Read.GetAsync("/api/v1/reports/tags/customer?format=csv"))
            .Content.ReadAsStringAsync();

        foreach (var digits in new[] { "345678", "654321", "38221234", "3822-1234", "654-321", "654 321" })
        {
            Assert.DoesNotContain(digits, stored, StringComparison.Ordinal);
            Assert.DoesNotContain(digits, tags, StringComparison.Ordinal);
            Assert.DoesNotContain(digits, csv, StringComparison.Ordinal);
        }

        Assert.Contains("1764832500000", stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnErrorEvents_PayloadAndUrl_AreMasked_AndItsNumbersStayNumbers()
    {
        var project = await fixture.CreateProjectAsync();
        var store = await fixture.Factory.CreateClient().PostRawAsync(
            "{\"message\":\"Call to 0912345678 dropped\",\"level\":\"error\",\"timestamp\":1764832500.5," +
            "\"request\":{\"url\":\"https://crm.example/calls?to=0912345678\"}}",
            path: $"/api/{project.Id}/store/?sentry_key={project.IngestKey}");
        store.EnsureSuccessStatusCode();

        var errors = (await project.Read.GetJsonAsync("/api/v1/error-events")).ToJsonString();

        Assert.DoesNotContain("2345678", errors, StringComparison.Ordinal);
        Assert.Contains("1764832500.5", errors, StringComparison.Ordinal);
    }
}
