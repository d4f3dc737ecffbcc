using System.Net;
using System.Net.Http.Json;
using CallTracker.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;
using static CallTracker.Api.Tests.Infrastructure.HttpExtensions;

namespace CallTracker.Api.Tests;

/// <summary>
/// Logs and error answers never carry a customer's phone number (issue 7), even when PostgreSQL's own
/// error quotes the row it refused.
/// </summary>
[Collection(ApiSuite.Name)]
public sealed class LogPrivacyTests(ApiFixture fixture)
{
    private const string Number = "0907654399";

    [Fact]
    public async Task ADatabaseErrorThatQuotesTheRow_ReachesNeitherTheLogNorTheAnswer()
    {
        var logs = new LogCollector();
        using var host = fixture.Factory.WithWebHostBuilder(builder => builder
            .ConfigureTestServices(services => services.AddSingleton<ILogEventSink>(logs)));
        var project = await fixture.CreateProjectAsync();
        var ingest = host.CreateClient();
        ingest.DefaultRequestHeaders.Add("X-CallTracker-Key", project.IngestKey);

        // A trigger stands for any error whose message PostgreSQL builds from the row's values.
        await fixture.ExecuteSqlAsync("""
            CREATE OR REPLACE FUNCTION refuse_quoting() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.agent = 'quoted' THEN RAISE EXCEPTION 'refused the call to %', NEW.phone_number; END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER refuse_quoting BEFORE INSERT ON call_events FOR EACH ROW EXECUTE FUNCTION refuse_quoting();
            """);
        HttpResponseMessage response;
        try
        {
            response = await ingest.PostEventsAsync(
                new { occurredAt = MinutesAgo(1), sipCode = 486, agent = "quoted", phoneNumber = Number });
        }
        finally
        {
            await fixture.ExecuteSqlAsync(
                "DROP TRIGGER refuse_quoting ON call_events; DROP FUNCTION refuse_quoting();");
        }

        var body = await response.Content.ReadAsStringAsync();
        var logged = string.Join("\n", logs.Events.Select(logEvent =>
            logEvent.RenderMessage() + " " + logEvent.Exception + " "
            + string.Join(" ", logEvent.Properties.Select(property => property.Value.ToString()))));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("PostgreSQL error P0001", logged, StringComparison.Ordinal);
        Assert.DoesNotContain("7654399", logged, StringComparison.Ordinal);
        Assert.DoesNotContain("7654399", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryKindOfRequest_LogsNoNumberHeaderValueKeyOrToken()
    {
        var logs = new LogCollector();
        using var host = fixture.Factory.WithWebHostBuilder(builder => builder
            .ConfigureTestServices(services => services.AddSingleton<ILogEventSink>(logs)));
        var project = await fixture.CreateProjectAsync();
        var client = host.CreateClient();
        var headerValue = $"secret-{Guid.NewGuid():N}";
        var call = new
        {
            occurredAt = MinutesAgo(1),
            sipCode = 480,
            phoneNumber = Number,
            headers = new Dictionary<string, string> { ["X-Customer"] = headerValue, ["To"] = $"<sip:{Number}@pbx>" },
        };

        var responses = new[]
        {
            await client.PostAsJsonAsync($"/api/v1/events?key={project.IngestKey}", call),
            await client.PostAsJsonAsync($"/api/v1/events?key={project.IngestKey}",
                new { occurredAt = Number, sipCode = "486", phoneNumber = Number }),
            await client.PostRawAsync("{\"message\":\"Call to " + Number + " dropped\"}",
                path: $"/api/{project.Id}/store/?sentry_key={project.IngestKey}"),
            await client.PostAsJsonAsync("/api/v1/events?key=0000000000000000000000000000dead", call),
            await Authorized(HttpMethod.Get, $"/api/v1/events?agent={Number}"),
            await Authorized(HttpMethod.Get, $"/api/v1/reports/classes?tag[phone]={Number}"),
            await Authorized(HttpMethod.Post, $"/api/v1/projects/{project.Id}/erasures",
                JsonContent.Create(new { phoneNumber = Number })),
        };
        var logged = string.Join("\n", logs.Events.Select(logEvent =>
            logEvent.RenderMessage() + " " + logEvent.Exception + " "
            + string.Join(" ", logEvent.Properties.Select(property => property.Value.ToString()))));

        Assert.All(responses, response => Assert.True((int)response.StatusCode < 500, $"{response.StatusCode}"));
        Assert.True(logs.Events.Count >= responses.Length, "every request is logged");
        Assert.DoesNotContain("7654399", logged, StringComparison.Ordinal);
        Assert.DoesNotContain(headerValue, logged, StringComparison.Ordinal);
        Assert.DoesNotContain(project.IngestKey, logged, StringComparison.Ordinal);
        Assert.DoesNotContain(project.ApiToken, logged, StringComparison.Ordinal);
        Assert.DoesNotContain("dead", logged, StringComparison.Ordinal);

        Task<HttpResponseMessage> Authorized(HttpMethod method, string path, HttpContent? content = null)
        {
            var request = new HttpRequestMessage(method, path) { Content = content };
            request.Headers.Authorization = new("Bearer", project.ApiToken);
            return client.SendAsync(request);
        }
    }
}
