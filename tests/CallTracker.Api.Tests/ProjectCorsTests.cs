using System.Net;
using System.Net.Http.Json;
using System.Text;
using CallTracker.Api.Security;
using CallTracker.Api.Tests.Infrastructure;
using static CallTracker.Api.Tests.Infrastructure.HttpExtensions;

namespace CallTracker.Api.Tests;

/// <summary>
/// Browser origins per project on both ingest endpoints: a project's allowedOrigins replace the
/// installation's (https://crm.example.test in the tests), and an origin that is not allowed gets no CORS
/// headers and a 403.
/// </summary>
[Collection(ApiSuite.Name)]
public sealed class ProjectCorsTests(ApiFixture fixture)
{
    private const string Installation = "https://crm.example.test";
    private const string Own = "https://own.example.test";

    [Fact]
    public async Task AProjectsOwnOrigins_ReplaceTheInstallations_OnTheNativeEndpoint()
    {
        var project = await ProjectWithOwnOriginAsync();

        var own = await PostAsync(project, Own);
        var installation = await PostAsync(project, Installation);

        Assert.Equal(HttpStatusCode.Accepted, own.StatusCode);
        Assert.Equal(Own, own.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal(HttpStatusCode.Forbidden, installation.StatusCode);
        Assert.False(installation.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.Equal(1, (long)(await project.Read.GetJsonAsync("/api/v1/reports/classes"))["total"]!);
    }

    [Fact]
    public async Task AProjectWithoutOrigins_TakesTheInstallations()
    {
        var project = await fixture.CreateProjectAsync();

        var installation = await PostAsync(project, Installation);
        var other = await PostAsync(project, Own);

        Assert.Equal(HttpStatusCode.Accepted, installation.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        Assert.False(other.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task TheSentryEndpoint_AnswersAPreflightWithItsProjectsOrigins()
    {
        var project = await ProjectWithOwnOriginAsync();

        var own = await PreflightAsync($"/api/{project.Id}/envelope/?sentry_key={project.IngestKey}", Own);
        var installation = await PreflightAsync($"/api/{project.Id}/envelope/", Installation);

        Assert.Equal(Own, own.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("POST", string.Join(',', own.Headers.GetValues("Access-Control-Allow-Methods")),
            StringComparison.Ordinal);
        Assert.False(installation.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task ANativePreflight_WithoutAKey_IsAllowedForAnOriginSomeProjectAllows()
    {
        await ProjectWithOwnOriginAsync();

        // The key travels in a header the preflight does not carry; the POST is then checked per project.
        var own = await PreflightAsync("/api/v1/events", Own);
        var unknown = await PreflightAsync("/api/v1/events", "https://nobody.example.test");

        Assert.Equal(Own, own.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.False(unknown.Headers.Contains("Access-Control-Allow-Origin"));
    }

    private async Task<TestProject> ProjectWithOwnOriginAsync()
    {
        var project = await fixture.CreateProjectAsync();
        var patched = await project.Read.PatchAsJsonAsync("/api/v1/project", new { allowedOrigins = new[] { Own } });
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        return project;
    }

    private async Task<HttpResponseMessage> PostAsync(TestProject project, string origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/events")
        {
            Content = new StringContent($$"""{"occurredAt":"{{MinutesAgo(1)}}","sipCode":486}""",
                Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(Authentication.IngestKeyHeader, project.IngestKey);
        request.Headers.Add("Origin", origin);
        return await fixture.Factory.CreateClient().SendAsync(request);
    }

    private async Task<HttpResponseMessage> PreflightAsync(string path, string origin)
    {
        using var preflight = new HttpRequestMessage(HttpMethod.Options, path);
        preflight.Headers.Add("Origin", origin);
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "content-type,x-calltracker-key");
        return await fixture.Factory.CreateClient().SendAsync(preflight);
    }
}
