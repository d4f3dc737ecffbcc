using System.Net;
using CallTracker.Api.Tests.Infrastructure;

namespace CallTracker.Api.Tests;

/// <summary>What the host serves besides the API: Swagger, health, error pages.</summary>
[Collection(ApiSuite.Name)]
public sealed class HostTests(ApiFixture fixture)
{
    private const string SnapshotFile = "swagger.v1.json";

    [Fact]
    public async Task SwaggerDocument_DescribesTheIngestReportAndEventPathsWithBothAuthSchemes()
    {
        var client = fixture.Factory.CreateClient();

        var document = await client.GetJsonAsync("/swagger/v1/swagger.json");
        var paths = document["paths"]!.AsObject();
        var schemes = document["components"]!["securitySchemes"]!.AsObject();

        Assert.Contains("/api/v1/events", paths.Select(path => path.Key));
        Assert.Contains("/api/v1/events/{eventId}", paths.Select(path => path.Key));
        Assert.Contains("/api/v1/reports/classes", paths.Select(path => path.Key));
        Assert.Equal(["apiToken", "ingestKey", "ingestKeyQuery"], schemes.Select(scheme => scheme.Key).Order());
        Assert.NotNull(paths["/api/v1/events"]!["post"]!["responses"]!["202"]);
        Assert.NotNull(paths["/api/v1/events"]!["post"]!["responses"]!["400"]);
        Assert.NotNull(paths["/api/v1/events"]!["post"]!["requestBody"]!["content"]!["text/plain"]);
    }

    [Fact]
    public async Task SwaggerDocument_GivesEveryEventFieldADescriptionAndAnExample()
    {
        var client = fixture.Factory.CreateClient();

        var document = await client.GetJsonAsync("/swagger/v1/swagger.json");
        var fields = document["components"]!["schemas"]!["EventInput"]!["properties"]!.AsObject();

        Assert.All(fields, field =>
            Assert.False(string.IsNullOrEmpty((string?)field.Value!["description"]), field.Key));
        Assert.All(fields, field => Assert.NotNull(field.Value!["example"]));
    }

    /// <summary>
    /// Fails on any drift of the published contract (a package upgrade renaming a schema, say). After
    /// an intended change, run the tests with UPDATE_SNAPSHOTS=1 and commit the new file.
    /// </summary>
    [Fact]
    public async Task SwaggerDocument_MatchesTheCommittedSnapshot()
    {
        var client = fixture.Factory.CreateClient();
        var snapshotPath = Path.Combine(ProjectDirectory(), SnapshotFile);

        var actual = (await client.GetJsonAsync("/swagger/v1/swagger.json")).ToJsonString(
            new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n";
        if (Environment.GetEnvironmentVariable("UPDATE_SNAPSHOTS") == "1")
        {
            await File.WriteAllTextAsync(snapshotPath, actual);
        }

        Assert.True(File.Exists(snapshotPath), $"No snapshot at {snapshotPath}: run once with UPDATE_SNAPSHOTS=1.");
        Assert.Equal(await File.ReadAllTextAsync(snapshotPath), actual);
    }

    [Fact]
    public async Task SwaggerUi_IsServed()
    {
        var client = fixture.Factory.CreateClient();

        var response = await client.GetAsync("/swagger/index.html");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("swagger-ui", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task Health_WithTheDatabaseUp_IsHealthy(string path)
    {
        var client = fixture.Factory.CreateClient();

        var health = await client.GetJsonAsync(path);

        Assert.Equal("Healthy", (string)health["status"]!);
    }

    [Fact]
    public async Task UnknownPath_IsA404Problem()
    {
        var client = fixture.Factory.CreateClient();

        var response = await client.GetAsync("/api/v1/nothing-here");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull((await response.JsonAsync())["traceId"]);
    }

    /// <summary>
    /// Found by the bad-input suite: a path no route matched (an id of the wrong form, a method the path does
    /// not take) was a problem with a title only, saying nothing of what to fix.
    /// </summary>
    [Theory]
    [InlineData("GET", "/api/v1/projects/..%2F..%2Fetc%2Fpasswd", 404, "form")]
    [InlineData("DELETE", "/api/v1/projects/1/keys/not-a-uuid", 404, "form")]
    [InlineData("PUT", "/api/v1/events", 405, "PUT")]
    public async Task AnUnmatchedPathOrMethod_IsAProblemThatSaysWhatToCheck(
        string method, string path, int status, string mention)
    {
        var client = fixture.Factory.CreateClient();

        var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        var problem = await response.JsonAsync();

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(mention, (string)problem["detail"]!, StringComparison.Ordinal);
    }

    /// <summary>
    /// Found by the bad-input suite: a body the framework binds, sent as another type than JSON, was a 415
    /// problem with a title only.
    /// </summary>
    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    public async Task ASettingsBodyThatIsNotJson_IsA415ThatSaysToSendJson(string contentType)
    {
        var project = await fixture.CreateProjectAsync();
        var body = new StringContent("{\"name\":\"crm\"}", System.Text.Encoding.UTF8, contentType);

        var response = await project.Read.PatchAsync("/api/v1/project", body);
        var problem = await response.JsonAsync();

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Contains("application/json", (string)problem["detail"]!, StringComparison.Ordinal);
    }

    /// <summary>
    /// Found by the bad-input suite: a settings body past Kestrel's limit (30 MB) was a 413 problem with a
    /// title only. Only a real socket has the limit.
    /// </summary>
    [Fact]
    public async Task ABodyPastKestrelsLimit_IsA413ThatSaysHowLargeABodyMayBe()
    {
        var project = await fixture.CreateProjectAsync();
        using var client = new HttpClient { BaseAddress = fixture.KestrelAddress() };
        var body = new StringContent($"{{\"name\":\"{new string('x', 31_000_000)}\"}}", System.Text.Encoding.UTF8,
            "application/json");
        using var request = new HttpRequestMessage(HttpMethod.Patch, "/api/v1/project") { Content = body };
        request.Headers.Authorization = new("Bearer", project.ApiToken);
        request.Headers.ExpectContinue = true;

        var response = await client.SendAsync(request);
        var problem = await response.JsonAsync();

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("30000000 bytes", (string)problem["detail"]!, StringComparison.Ordinal);
    }

    private static string ProjectDirectory()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "CallTracker.Api.Tests.csproj")))
            {
                return folder.FullName;
            }
        }

        throw new DirectoryNotFoundException("The test project folder was not found above the test binaries.");
    }
}
