using CallTracker.Api.Tests.Infrastructure;

namespace CallTracker.Api.Tests;

/// <summary>
/// The official Sentry .NET SDK as the client, with a DSN that points at CallTracker on a real
/// loopback port: what a CRM that already uses Sentry would send, changed only in its DSN.
/// </summary>
[Collection(ApiSuite.Name)]
public sealed class SentrySdkTests(ApiFixture fixture)
{
    [Fact]
    public async Task CaptureMessage_WithSipTags_BecomesAFailedCallEvent()
    {
        var project = await fixture.CreateProjectAsync();
        using var client = SdkClient(project);
        var message = new SentryEvent { Message = "SIP call failed: 486 Busy Here", Level = SentryLevel.Error };
        message.SetTag("sip.status", "486");
        message.SetTag("sip.reason", "Busy Here");
        message.SetTag("agent", "agent-007");
        message.SetTag("phone", "0900000001");
        message.SetTag("campaign", "winter-sale");

        var id = client.CaptureEvent(message);
        await client.FlushAsync(TimeSpan.FromSeconds(10));
        var stored = await fixture.FullNumbersReader(project).GetJsonAsync($"/api/v1/events/{id}");

        Assert.Equal(486, stored["sipCode"]!.GetValue<int>());
        Assert.Equal("4xx", (string)stored["responseClass"]!);
        Assert.Equal("busy", (string)stored["outcome"]!);
        Assert.Equal("agent-007", (string)stored["agent"]!);
        Assert.Equal("+84900000001", (string)stored["phone"]!["e164"]!);
        Assert.Equal("winter-sale", (string)stored["tags"]!["campaign"]!);
    }

    [Fact]
    public async Task CaptureMessage_WithASipContext_BecomesAFailedCallEventWithItsRawResponse()
    {
        var project = await fixture.CreateProjectAsync();
        using var client = SdkClient(project);
        var message = new SentryEvent { Message = "SIP call failed", Level = SentryLevel.Warning };
        message.Contexts["sip"] = new Dictionary<string, object?>
        {
            ["sipMessage"] = SharedData.SipResponse("16-480.sip"),
            ["agent"] = "agent-008",
            ["phoneNumber"] = "0162 000 0001",
            ["ringing"] = true,
        };

        var id = client.CaptureEvent(message);
        await client.FlushAsync(TimeSpan.FromSeconds(10));
        var stored = await project.Read.GetJsonAsync($"/api/v1/events/{id}");

        Assert.Equal(480, stored["sipCode"]!.GetValue<int>());
        Assert.Equal("no_answer", (string)stored["outcome"]!);
        Assert.Equal(19, stored["q850Cause"]!.GetValue<int>());
        Assert.Equal("agent-008", (string)stored["agent"]!);
        Assert.True(stored["phone"]!["converted"]!.GetValue<bool>());
        Assert.True(stored["ringing"]!.GetValue<bool>());
    }

    [Fact]
    public async Task CaptureException_BecomesAnErrorEventWithItsTypeAndValue()
    {
        var project = await fixture.CreateProjectAsync();
        using var client = SdkClient(project);
        var failure = new SentryEvent(new InvalidOperationException("The contact list did not load"))
        {
            Release = "crm@4.2.0",
            Environment = "production",
            User = new SentryUser { Id = "agent-007", IpAddress = "192.0.2.10" },
        };

        var id = client.CaptureEvent(failure);
        await client.FlushAsync(TimeSpan.FromSeconds(10));
        var stored = await project.Read.GetJsonAsync($"/api/v1/error-events/{id}");
        var notACall = await project.Read.GetAsync($"/api/v1/events/{id}");

        Assert.Equal("System.InvalidOperationException", (string)stored["exceptionType"]!);
        Assert.Equal("The contact list did not load", (string)stored["exceptionValue"]!);
        Assert.Equal("crm@4.2.0", (string)stored["release"]!);
        Assert.Equal("agent-007", (string)stored["userId"]!);
        Assert.Null(stored["payload"]!["user"]!["ip_address"]);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, notACall.StatusCode);
    }

    [Fact]
    public async Task ADsnWithAnotherProjectsKey_StoresNothing()
    {
        var project = await fixture.CreateProjectAsync();
        var other = await fixture.CreateProjectAsync();
        using var client = SdkClient(project with { IngestKey = other.IngestKey });

        var id = client.CaptureMessage("SIP call failed: 503");
        await client.FlushAsync(TimeSpan.FromSeconds(10));
        var response = await project.Read.GetAsync($"/api/v1/error-events/{id}");

        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
    }

    private SentryClient SdkClient(TestProject project)
    {
        var address = fixture.KestrelAddress();
        return new SentryClient(new SentryOptions
        {
            Dsn = $"http://{project.IngestKey}@{address.Host}:{address.Port}/{project.Id}",
            AutoSessionTracking = false,
            SendDefaultPii = false,
            SendClientReports = false,
        });
    }
}
