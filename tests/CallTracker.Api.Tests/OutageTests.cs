using System.Net;
using CallTracker.Api.Tests.Infrastructure;
using CallTracker.Storage.LocalServer;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;
using Serilog.Events;
using static CallTracker.Api.Tests.Infrastructure.HttpExtensions;

namespace CallTracker.Api.Tests;

/// <summary>
/// When PostgreSQL goes away under a running service. Not in the shared collection: it needs a
/// server of its own to stop.
/// </summary>
public sealed class OutageTests
{
    private const string Key = "fedcba9876543210fedcba9876543210";
    private const string Token = "ctk_outage-test-token-long-enough";

    [Fact]
    public async Task WhenTheDatabaseStops_RequestsAre503WithRetryAfter_ReadinessFails_AndTheLogSaysSo()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"calltracker-outage-{Guid.NewGuid():N}");
        var options = new LocalPostgresOptions { Directory = directory, Ephemeral = true };
        var server = await LocalPostgresServer.StartAsync(options);
        var logs = new LogCollector();
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(host => host
            .UseEnvironment("Testing")
            .UseSetting("ConnectionStrings:CallTracker", server.ConnectionString)
            .UseSetting("CallTracker:Bootstrap:IngestKey", Key)
            .UseSetting("CallTracker:Bootstrap:ApiToken", Token)
            .ConfigureTestServices(services => services.AddSingleton<ILogEventSink>(logs)));
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-CallTracker-Key", Key);
        var before = await client.PostEventsAsync(new { occurredAt = MinutesAgo(1), sipCode = 486 });

        await server.DisposeAsync();
        var post = await client.PostEventsAsync(new { occurredAt = MinutesAgo(1), sipCode = 486 });
        var problem = await post.JsonAsync();
        var ready = await client.GetAsync("/health/ready");
        var live = await client.GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.Accepted, before.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, post.StatusCode);
        Assert.NotNull(post.Headers.RetryAfter);
        Assert.Contains("Retry", (string)problem["detail"]!, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        var logged = logs.RequestsTo("/api/v1/events")[^1];
        Assert.Equal(503, LogCollector.StatusOf(logged));
        Assert.Equal(LogEventLevel.Error, logged.Level);
        Assert.DoesNotContain(logs.Events,
            logEvent => logEvent.Level >= LogEventLevel.Error && logEvent.Exception is not null);
    }
}
