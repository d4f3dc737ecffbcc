using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using CallTracker.Api.Security;
using CallTracker.Api.Tests.Infrastructure;
using static CallTracker.Api.Tests.Infrastructure.HttpExtensions;

namespace CallTracker.Api.Tests;

/// <summary>
/// Who may do what (issue 7): API tokens with scopes, shown once and stored hashed; ingest keys and tokens
/// revoked and rotated through the admin API; and a token that never reaches another project.
/// </summary>
[Collection(ApiSuite.Name)]
public sealed class AccessTests(ApiFixture fixture)
{
    [Fact]
    public async Task AReadToken_ReadsReports_ButChangesNothing()
    {
        var project = await fixture.CreateProjectAsync();
        var reader = await TokenAsync(project, Scopes.Read);
        var issue = await FirstIssueAsync(project);

        var report = await reader.GetAsync("/api/v1/reports/classes");
        var patch = await reader.PatchAsJsonAsync($"/api/v1/issues/{issue}", new { status = "resolved" });
        var settings = await reader.PatchAsJsonAsync("/api/v1/project", new { customerBehaviourRegresses = true });
        var tokens = await reader.GetAsync($"/api/v1/projects/{project.Id}/tokens");

        Assert.Equal(HttpStatusCode.OK, report.StatusCode);
        await AssertForbiddenAsync(patch, "write");
        await AssertForbiddenAsync(settings, "admin");
        await AssertForbiddenAsync(tokens, "admin");
    }

    [Fact]
    public async Task AWriteToken_ChangesAnIssuesStatus_ButNotTheProject()
    {
        var project = await fixture.CreateProjectAsync();
        var writer = await TokenAsync(project, Scopes.Write);
        var issue = await FirstIssueAsync(project);

        var patch = await writer.PatchAsJsonAsync($"/api/v1/issues/{issue}", new { status = "resolved" });
        var keys = await writer.PostAsJsonAsync($"/api/v1/projects/{project.Id}/keys", new { name = "x" });

        Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        Assert.Equal("resolved", (string)(await patch.JsonAsync())["status"]!);
        await AssertForbiddenAsync(keys, "admin");
    }

    [Fact]
    public async Task PhoneNumbers_AreInFull_OnlyForAReadPhoneToken()
    {
        var project = await fixture.CreateProjectAsync("owner", Scopes.Admin, Scopes.ReadPhone);
        await project.Ingest.PostEventsAsync(
            new { occurredAt = MinutesAgo(1), sipCode = 486, phoneNumber = "0912345678" });
        var phone = await TokenAsync(project, Scopes.ReadPhone);
        var admin = await TokenAsync(project, Scopes.Admin);

        var full = await phone.GetJsonAsync("/api/v1/events");
        var masked = await admin.GetJsonAsync("/api/v1/events");

        Assert.Equal("0912345678", (string)full["items"]![0]!["phoneNumber"]!);
        Assert.DoesNotContain("2345678", masked["items"]![0]!["phoneNumber"]!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATokenIsShownOnce_AndStoredOnlyAsItsHash()
    {
        var project = await fixture.CreateProjectAsync();

        var created = await project.Read.PostAsJsonAsync(
            $"/api/v1/projects/{project.Id}/tokens", new { name = "ops dashboard", scopes = new[] { "read" } });
        var body = await created.JsonAsync();
        var token = (string)body["token"]!;
        var listed = await project.Read.GetJsonAsync($"/api/v1/projects/{project.Id}/tokens");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.StartsWith(Secrets.TokenPrefix, token, StringComparison.Ordinal);
        Assert.All(listed.AsArray(), item => Assert.Null(item!["token"]));
        Assert.Contains(listed.AsArray(), item => (string)item!["name"]! == "ops dashboard");
        Assert.Equal(0, await fixture.CountSqlAsync($"SELECT count(*) FROM api_tokens WHERE token_hash = '{token}'"));
        Assert.Equal(1, await fixture.CountSqlAsync(
            $"SELECT count(*) FROM api_tokens WHERE token_hash = '{Secrets.HashToken(token)}'"));
    }

    [Fact]
    public async Task ARevokedToken_StopsWorkingAtOnce()
    {
        var project = await fixture.CreateProjectAsync();
        var created = await (await project.Read.PostAsJsonAsync($"/api/v1/projects/{project.Id}/tokens",
            new { name = "short-lived", scopes = new[] { "read" } })).JsonAsync();
        var client = Client((string)created["token"]!);
        var before = await client.GetAsync("/api/v1/reports/classes");

        var revoked = await project.Read.DeleteAsync($"/api/v1/projects/{project.Id}/tokens/{created["id"]}");
        var after = await client.GetAsync("/api/v1/reports/classes");

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task AnIngestKey_IsRotatedWithoutDowntime()
    {
        var project = await fixture.CreateProjectAsync();
        var old = fixture.Factory.CreateClient();
        old.DefaultRequestHeaders.Add(Authentication.IngestKeyHeader, project.IngestKey);
        Assert.Equal(HttpStatusCode.Accepted, await PostFailureAsync(old));
        var keys = await project.Read.GetJsonAsync($"/api/v1/projects/{project.Id}/keys");
        var oldId = (string)keys[0]!["id"]!;

        // The new key works before the old one goes: a CRM deployed in between loses nothing.
        var created = await (await project.Read.PostAsJsonAsync(
            $"/api/v1/projects/{project.Id}/keys", new { name = "crm-2027" })).JsonAsync();
        var fresh = fixture.Factory.CreateClient();
        fresh.DefaultRequestHeaders.Add(Authentication.IngestKeyHeader, (string)created["key"]!);
        var bothWork = await PostFailureAsync(fresh);
        var revoked = await project.Read.DeleteAsync($"/api/v1/projects/{project.Id}/keys/{oldId}");

        Assert.Equal(HttpStatusCode.Accepted, bothWork);
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await PostFailureAsync(old));
        Assert.Equal(HttpStatusCode.Accepted, await PostFailureAsync(fresh));
        Assert.EndsWith($"@localhost/{project.Id}", (string)created["dsn"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AToken_NeverReachesAnotherProject()
    {
        var mine = await fixture.CreateProjectAsync("mine");
        var theirs = await fixture.CreateProjectAsync("theirs");
        var theirEvent = Guid.NewGuid();
        await theirs.Ingest.PostEventsAsync(
            new { eventId = theirEvent, occurredAt = MinutesAgo(1), sipCode = 486, agent = "their-agent" });
        var theirIssue = await FirstIssueAsync(theirs);
        var theirKey = (string)(await theirs.Read.GetJsonAsync($"/api/v1/projects/{theirs.Id}/keys"))[0]!["id"]!;

        var notFound = new[]
        {
            await mine.Read.GetAsync($"/api/v1/projects/{theirs.Id}"),
            await mine.Read.PatchAsJsonAsync($"/api/v1/projects/{theirs.Id}", new { name = "taken" }),
            await mine.Read.GetAsync($"/api/v1/projects/{theirs.Id}/keys"),
            await mine.Read.PostAsJsonAsync($"/api/v1/projects/{theirs.Id}/keys", new { name = "x" }),
            await mine.Read.DeleteAsync($"/api/v1/projects/{theirs.Id}/keys/{theirKey}"),
            await mine.Read.GetAsync($"/api/v1/projects/{theirs.Id}/tokens"),
            await mine.Read.PostAsJsonAsync(
                $"/api/v1/projects/{theirs.Id}/tokens", new { name = "x", scopes = new[] { "admin" } }),
            await mine.Read.GetAsync($"/api/v1/events/{theirEvent}"),
            await mine.Read.GetAsync($"/api/v1/issues/{theirIssue}"),
            await mine.Read.GetAsync($"/api/v1/issues/{theirIssue}/events"),
            await mine.Read.PatchAsJsonAsync($"/api/v1/issues/{theirIssue}", new { status = "ignored" }),
        };
        var agents = await mine.Read.GetJsonAsync("/api/v1/reports/agents?agent=their-agent");
        var events = await mine.Read.GetJsonAsync("/api/v1/events?agent=their-agent");
        var issues = await mine.Read.GetJsonAsync("/api/v1/issues");
        var projects = await mine.Read.GetJsonAsync("/api/v1/projects");

        Assert.All(notFound, response => Assert.Equal(HttpStatusCode.NotFound, response.StatusCode));
        Assert.Equal(0, (long)agents["total"]!["attempts"]!);
        Assert.Empty(events["items"]!.AsArray());
        Assert.Empty(issues["items"]!.AsArray());
        Assert.Equal([mine.Id], projects.AsArray().Select(item => (int)item!["id"]!));
        Assert.Equal("theirs", (string)(await theirs.Read.GetJsonAsync("/api/v1/project"))["name"]!);
        var theirIssueNow = await theirs.Read.GetJsonAsync($"/api/v1/issues/{theirIssue}");
        Assert.Equal("unresolved", (string)theirIssueNow["issue"]!["status"]!);
    }

    [Fact]
    public async Task AnAdminWithoutReadPhone_CannotMintAReadPhoneToken()
    {
        var project = await fixture.CreateProjectAsync();

        var refused = await project.Read.PostAsJsonAsync(
            $"/api/v1/projects/{project.Id}/tokens", new { name = "peek", scopes = new[] { Scopes.ReadPhone } });
        var created = await (await project.Read.PostAsJsonAsync("/api/v1/projects", new { name = "child" }))
            .JsonAsync();

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("read:phone", (string)(await refused.JsonAsync())["detail"]!, StringComparison.Ordinal);
        Assert.Equal(["admin"], created["apiToken"]!["scopes"]!.AsArray().Select(scope => (string)scope!));
    }

    [Fact]
    public async Task TheLastAdminToken_CannotBeRevoked_UntilAnotherExists()
    {
        var project = await fixture.CreateProjectAsync();
        var own = (string)(await project.Read.GetJsonAsync($"/api/v1/projects/{project.Id}/tokens"))[0]!["id"]!;

        var refused = await project.Read.DeleteAsync($"/api/v1/projects/{project.Id}/tokens/{own}");
        var second = await TokenAsync(project, Scopes.Admin);
        var revoked = await second.DeleteAsync($"/api/v1/projects/{project.Id}/tokens/{own}");

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await project.Read.GetAsync("/api/v1/project")).StatusCode);
    }

    [Fact]
    public async Task EveryReadEndpoint_GivenAnotherProjectsIdsAndValues_ShowsNothingOfIt()
    {
        var mine = await fixture.CreateProjectAsync("mine", Scopes.Admin, Scopes.ReadPhone);
        var theirs = await fixture.CreateProjectAsync("theirs");
        // Letters only: a run of digits would be masked as a possible phone number, and never be seen.
        var marker = "theirs" + string.Concat(
            $"{Guid.NewGuid():N}"[..14].Select(c => char.IsAsciiDigit(c) ? (char)('g' + c - '0') : c));
        var theirEvent = Guid.NewGuid();
        await theirs.Ingest.PostEventsAsync(new
        {
            eventId = theirEvent,
            occurredAt = MinutesAgo(1),
            sipCode = 486,
            agent = marker,
            trunk = marker,
            phoneNumber = "0909876543",
            tags = new { campaign = marker },
        });
        var theirIssue = await FirstIssueAsync(theirs);
        var store = await fixture.Factory.CreateClient().PostRawAsync(
            $"{{\"message\":\"WebSocket of {marker} closed\",\"level\":\"error\",\"platform\":\"javascript\"}}",
            path: $"/api/{theirs.Id}/store/?sentry_key={theirs.IngestKey}");
        store.EnsureSuccessStatusCode();
        var theirKey = (string)(await theirs.Read.GetJsonAsync($"/api/v1/projects/{theirs.Id}/keys"))[0]!["id"]!;
        var theirToken = (string)(await theirs.Read.GetJsonAsync($"/api/v1/projects/{theirs.Id}/tokens"))[0]!["id"]!;
        var values = new Dictionary<string, string>
        {
            ["id"] = theirs.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["eventId"] = theirEvent.ToString(),
            ["keyId"] = theirKey,
            ["tokenId"] = theirToken,
            ["key"] = "campaign",
            ["code"] = "486",
        };
        var filters = $"agent={marker}&trunk={marker}&tag[campaign]={marker}&from=2026-01-01";
        var document = await mine.Read.GetJsonAsync("/swagger/v1/swagger.json");
        var getPaths = document["paths"]!.AsObject()
            .Where(path => path.Value!.AsObject().ContainsKey("get"))
            .Select(path => values.Aggregate(path.Key, (url, value) => url.Replace(
                "{" + value.Key + "}", value.Value, StringComparison.Ordinal)))
            .ToList();
        var issuePaths = new[] { $"/api/v1/issues/{theirIssue}", $"/api/v1/issues/{theirIssue}/events" };

        var answers = new List<(string Url, HttpStatusCode Status, string Body)>();
        foreach (var path in getPaths.Concat(issuePaths).Distinct())
        {
            foreach (var url in new[] { path, $"{path}?{filters}" })
            {
                var response = await mine.Read.GetAsync(url);
                answers.Add((url, response.StatusCode, WithoutEcho(await response.Content.ReadAsStringAsync())));
            }
        }

        Assert.True(answers.Count > 40, $"only {answers.Count} reads were tried");
        foreach (var ownRead in new[] { "/api/v1/events", "/api/v1/error-events", "/api/v1/reports/agents" })
        {
            // The same reads do show the data to its own project: the markers would be seen if they leaked.
            Assert.Contains(marker, (await theirs.Read.GetJsonAsync(ownRead)).ToJsonString(), StringComparison.Ordinal);
        }

        Assert.All(answers, answer =>
        {
            Assert.True((int)answer.Status < 500, $"{answer.Url} answered {answer.Status}");
            Assert.DoesNotContain(marker, answer.Body, StringComparison.Ordinal);
            Assert.DoesNotContain(theirEvent.ToString(), answer.Body, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("9876543", answer.Body, StringComparison.Ordinal);
        });
    }

    /// <summary>
    /// The answer less what only repeats the request: a report's filters, a 404's detail naming the id asked
    /// for. Rows, where another project's data would show, are nested and stay.
    /// </summary>
    private static string WithoutEcho(string body)
    {
        if (System.Text.Json.Nodes.JsonNode.Parse(body) is not System.Text.Json.Nodes.JsonObject answer)
        {
            return body;
        }

        foreach (var echoed in new[] { "agent", "trunk", "tags", "tag", "detail" })
        {
            answer.Remove(echoed);
        }

        return answer.ToJsonString();
    }

    [Fact]
    public async Task AnErasure_OfAnotherProject_IsNotFound_AndErasesNothing()
    {
        var mine = await fixture.CreateProjectAsync("mine");
        var theirs = await fixture.CreateProjectAsync("theirs");
        await theirs.Ingest.PostEventsAsync(
            new { occurredAt = MinutesAgo(1), sipCode = 486, phoneNumber = "0909876543" });

        var erased = await mine.Read.PostAsJsonAsync(
            $"/api/v1/projects/{theirs.Id}/erasures", new { phoneNumber = "0909876543" });

        Assert.Equal(HttpStatusCode.NotFound, erased.StatusCode);
        Assert.Equal(1, await fixture.CountSqlAsync(
            $"SELECT count(*) FROM call_events WHERE project_id = {theirs.Id}"));
    }

    [Fact]
    public async Task ANewProject_ComesWithAKeyAndAnAdminTokenOfItsOwn()
    {
        var creator = await fixture.CreateProjectAsync();

        var created = await creator.Read.PostAsJsonAsync("/api/v1/projects",
            new { name = "crm-staging", allowedOrigins = new[] { "https://Staging.CRM.example.test/" } });
        var body = await created.JsonAsync();
        var id = (int)body["project"]!["id"]!;
        var admin = Client((string)body["apiToken"]!["token"]!);
        var ingest = fixture.Factory.CreateClient();
        ingest.DefaultRequestHeaders.Add(Authentication.IngestKeyHeader, (string)body["ingestKey"]!["key"]!);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(["admin"], body["apiToken"]!["scopes"]!.AsArray().Select(scope => (string)scope!));
        Assert.Equal(["https://staging.crm.example.test"],
            body["project"]!["allowedOrigins"]!.AsArray().Select(origin => (string)origin!));
        Assert.Equal(HttpStatusCode.Accepted, await PostFailureAsync(ingest));
        Assert.Equal(1, (long)(await admin.GetJsonAsync("/api/v1/reports/classes"))["total"]!);
        Assert.Equal(HttpStatusCode.NotFound, (await creator.Read.GetAsync($"/api/v1/projects/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/api/v1/projects/{id}/tokens")).StatusCode);
    }

    [Fact]
    public async Task TheBootstrapToken_IsAnAdminToken()
    {
        var bootstrap = Client(ApiFixture.BootstrapApiToken);

        var projects = await bootstrap.GetAsync("/api/v1/projects");

        Assert.Equal(HttpStatusCode.OK, projects.StatusCode);
    }

    [Fact]
    public async Task BadScopesNamesAndOrigins_AreRefusedFieldByField()
    {
        var project = await fixture.CreateProjectAsync();

        var token = await (await project.Read.PostAsJsonAsync($"/api/v1/projects/{project.Id}/tokens",
            new { name = "", scopes = new[] { "read", "superuser" } })).JsonAsync();
        var noScopes = await project.Read.PostAsJsonAsync($"/api/v1/projects/{project.Id}/tokens", new { name = "x" });
        string[] given = ["https://ok.example.test", "https://crm.example.test/path", "crm.example.test"];
        var origins = await (await project.Read.PatchAsJsonAsync("/api/v1/project", new { allowedOrigins = given }))
            .JsonAsync();

        Assert.NotNull(token["errors"]!["name"]);
        Assert.Contains("superuser", token["errors"]!["scopes"]![0]!.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, noScopes.StatusCode);
        Assert.Null(origins["errors"]!["allowedOrigins[0]"]);
        Assert.NotNull(origins["errors"]!["allowedOrigins[1]"]);
        Assert.NotNull(origins["errors"]!["allowedOrigins[2]"]);
    }

    private static async Task<HttpStatusCode> PostFailureAsync(HttpClient ingest) =>
        (await ingest.PostEventsAsync(new { occurredAt = MinutesAgo(1), sipCode = 486 })).StatusCode;

    private HttpClient Client(string token)
    {
        var client = fixture.Factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private async Task<HttpClient> TokenAsync(TestProject project, params string[] scopes)
    {
        var created = await project.Read.PostAsJsonAsync(
            $"/api/v1/projects/{project.Id}/tokens", new { name = string.Join("+", scopes), scopes });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return Client((string)(await created.JsonAsync())["token"]!);
    }

    private static async Task<long> FirstIssueAsync(TestProject project)
    {
        await project.Ingest.PostEventsAsync(new { occurredAt = MinutesAgo(1), sipCode = 503 });
        var issues = await project.Read.GetJsonAsync("/api/v1/issues");
        return (long)issues["items"]![0]!["id"]!;
    }

    private static async Task AssertForbiddenAsync(HttpResponseMessage response, string scope)
    {
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"'{scope}'", (string)(await response.JsonAsync())["detail"]!, StringComparison.Ordinal);
    }
}
