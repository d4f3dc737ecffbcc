using System.Net.Http.Headers;
using CallTracker.Api.Alerts;
using CallTracker.Api.Security;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CallTracker.Api.Tests.Infrastructure;

/// <summary>
/// A service host of the test's own, so that its alert counters and evaluator see only what the test posts
/// through it (rounds run when the test asks: the suite's hosts evaluate hourly), with a new project and clients
/// for its ingest key and its admin token.
/// </summary>
public sealed class AlertHost : IAsyncDisposable
{
    private AlertHost(WebApplicationFactory<Program> host, TestProject project)
    {
        Host = host;
        Project = project;
        Ingest = host.CreateClient();
        Ingest.DefaultRequestHeaders.Add(Authentication.IngestKeyHeader, project.IngestKey);
        Admin = host.CreateClient();
        Admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", project.ApiToken);
    }

    public WebApplicationFactory<Program> Host { get; }

    public TestProject Project { get; }

    public HttpClient Ingest { get; }

    public HttpClient Admin { get; }

    public AlertEvaluator Evaluator => Host.Services.GetRequiredService<AlertEvaluator>();

    /// <param name="settings">Configuration for this host only (SMTP, public URL...).</param>
    public static async Task<AlertHost> StartAsync(ApiFixture fixture, params (string Key, string Value)[] settings)
    {
        var host = fixture.Factory.WithWebHostBuilder(builder =>
        {
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
        });
        return new AlertHost(host, await fixture.CreateProjectAsync());
    }

    public ValueTask DisposeAsync() => Host.DisposeAsync();
}
