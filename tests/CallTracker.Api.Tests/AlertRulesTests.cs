using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CallTracker.Api.Security;
using CallTracker.Api.Tests.Infrastructure;

namespace CallTracker.Api.Tests;

/// <summary>
/// Alert rules and the alert history (issue 8, storage and API): what a write token may set up, every bad field
/// named at once, webhook secrets that go in and never come out, and no way into another project's rules.
/// </summary>
[Collection(ApiSuite.Name)]
public sealed class AlertRulesTests(ApiFixture fixture)
{
    private const string Secret = "a-long-random-shared-secret-0123";

    [Fact]
    public async Task ARule_IsCreatedReadChangedAndDeleted()
    {
        var project = await fixture.CreateProjectAsync();
        var rules = $"/api/v1/projects/{project.Id}/alert-rules";

        var created = await project.Read.PostAsJsonAsync(rules, TrunkRule());
        var rule = await created.JsonAsync();
        var path = $"{rules}/{rule["id"]}";
        var read = await project.Read.GetJsonAsync(path);
        var patched = await (await project.Read.PatchAsJsonAsync(path, new { threshold = 50 })).JsonAsync();
        var deleted = await project.Read.DeleteAsync(path);
        var gone = await project.Read.GetAsync(path);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(path, created.Headers.Location?.OriginalString);
        Assert.Equal("Network errors on the carrier trunk", (string)read["name"]!);
        Assert.Equal("event_count", (string)read["trigger"]!);
        Assert.Equal(20, (double)read["threshold"]!);
        Assert.Equal(5, (int)read["windowMinutes"]!);
        Assert.Equal(30, (int)read["cooldownMinutes"]!);
        Assert.Equal("ok", (string)read["state"]!);
        Assert.Equal("viettel-1", (string)read["filter"]!["trunks"]![0]!);
        Assert.Equal("oncall@example.com", (string)read["actions"]!["emails"]![0]!);
        Assert.Equal("https://hooks.example.com/calltracker", (string)read["actions"]!["webhooks"]![0]!["url"]!);
        Assert.Equal(50, (double)patched["threshold"]!);
        Assert.Equal(5, (int)patched["windowMinutes"]!);
        Assert.Equal("viettel-1", (string)patched["filter"]!["trunks"]![0]!);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task APatch_ThatChangesTheTrigger_DropsTheWindowAndTakesTheDefaultOutcomes()
    {
        var project = await fixture.CreateProjectAsync();
        var rules = $"/api/v1/projects/{project.Id}/alert-rules";
        var rule = await (await project.Read.PostAsJsonAsync(rules, new
        {
            name = "trunk burst",
            trigger = "event_count",
            threshold = 10,
            windowMinutes = 5,
            filter = new { trunks = new[] { "viettel-1" } },
            actions = new { emails = new[] { "oncall@example.com" } },
        })).JsonAsync();
        var path = $"{rules}/{rule["id"]}";

        var refused = await project.Read.PatchAsJsonAsync(path, new { threshold = 0, cooldownMinutes = -5 });
        var patched = await (await project.Read.PatchAsJsonAsync(path, new { trigger = "regression" })).JsonAsync();

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(["cooldownMinutes", "threshold"],
            (await refused.JsonAsync())["errors"]!.AsObject().Select(error => error.Key).Order(StringComparer.Ordinal));
        Assert.Equal("regression", (string)patched["trigger"]!);
        Assert.Null(patched["threshold"]);
        Assert.Null(patched["windowMinutes"]);
        Assert.Equal("viettel-1", (string)patched["filter"]!["trunks"]![0]!);
        Assert.Contains("network_error", patched["filter"]!["outcomes"]!.AsArray().Select(outcome => (string)outcome!));
        Assert.DoesNotContain("busy", patched["filter"]!["outcomes"]!.AsArray().Select(outcome => (string)outcome!));
    }

    [Fact]
    public async Task ANoCooldownAndDisabledRule_IsStoredAsGiven_NotAsTheDefaults()
    {
        var project = await fixture.CreateProjectAsync();

        var created = await (await project.Read.PostAsJsonAsync($"/api/v1/projects/{project.Id}/alert-rules", new
        {
            name = "every new issue",
            trigger = "new_issue",
            cooldownMinutes = 0,
            enabled = false,
            actions = new { emails = new[] { "oncall@example.com" } },
        })).JsonAsync();

        Assert.Equal(0, (int)created["cooldownMinutes"]!);
        Assert.False((bool)created["enabled"]!);
        Assert.Equal(1, await fixture.CountSqlAsync(
            $"SELECT count(*) FROM alert_rules WHERE id = {created["id"]} AND cooldown_minutes = 0 AND NOT enabled"));
    }

    [Fact]
    public async Task AMisspeltField_OrANumberAsText_IsA400_NotARuleThatWatchesEverything()
    {
        var project = await fixture.CreateProjectAsync();
        var rules = $"/api/v1/projects/{project.Id}/alert-rules";

        var misspelt = await project.Read.PostAsync(rules, JsonContent.Create(JsonNode.Parse("""
            {"name": "typo", "trigger": "event_count", "threshold": 5, "windowMinutes": 1,
             "filter": {"outcome": ["busy"]}, "actions": {"emails": ["oncall@example.com"]}}
            """)));
        var text = await project.Read.PostAsync(rules, JsonContent.Create(JsonNode.Parse("""
            {"name": "text", "trigger": "event_count", "threshold": "5", "windowMinutes": 1,
             "actions": {"emails": ["oncall@example.com"]}}
            """)));
        var misspeltErrors = (await misspelt.JsonAsync())["errors"]!.AsObject();

        Assert.Equal(HttpStatusCode.BadRequest, misspelt.StatusCode);
        Assert.Equal("filter.outcome", Assert.Single(misspeltErrors).Key);
        Assert.Contains("not a field", (string)misspeltErrors["filter.outcome"]![0]!, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, text.StatusCode);
        Assert.Equal("threshold", Assert.Single((await text.JsonAsync())["errors"]!.AsObject()).Key);
        Assert.Equal(0, await fixture.CountSqlAsync(
            $"SELECT count(*) FROM alert_rules WHERE project_id = {project.Id}"));
    }

    [Fact]
    public async Task APatch_OfOneListInTheFilterOrActions_KeepsTheOthers()
    {
        var project = await fixture.CreateProjectAsync();
        var rules = $"/api/v1/projects/{project.Id}/alert-rules";
        var rule = await (await project.Read.PostAsJsonAsync(rules, TrunkRule())).JsonAsync();
        var path = $"{rules}/{rule["id"]}";

        var patched = await (await project.Read.PatchAsJsonAsync(path, new
        {
            filter = new { trunks = new[] { "mobifone-2" } },
            actions = new { webhooks = new[] { new { url = "https://hooks.example.com/other", secret = Secret } } },
        })).JsonAsync();

        Assert.Equal(["mobifone-2"], patched["filter"]!["trunks"]!.AsArray().Select(trunk => (string)trunk!));
        Assert.Equal(["network_error"], patched["filter"]!["outcomes"]!.AsArray().Select(outcome => (string)outcome!));
        Assert.Equal(["oncall@example.com"], patched["actions"]!["emails"]!.AsArray().Select(email => (string)email!));
        Assert.Equal("https://hooks.example.com/other", (string)patched["actions"]!["webhooks"]![0]!["url"]!);
    }

    [Fact]
    public async Task AFiringRule_ThatIsDisabled_StopsFiring_SoReEnablingItSendsNoStaleBackToNormal()
    {
        var project = await fixture.CreateProjectAsync();
        var rules = $"/api/v1/projects/{project.Id}/alert-rules";
        var rule = await (await project.Read.PostAsJsonAsync(rules, TrunkRule())).JsonAsync();
        var path = $"{rules}/{rule["id"]}";
        await fixture.ExecuteSqlAsync($"UPDATE alert_rules SET state = 'firing' WHERE id = {rule["id"]}");

        var renamed = await (await project.Read.PatchAsJsonAsync(path, new { name = "renamed" })).JsonAsync();
        var disabled = await (await project.Read.PatchAsJsonAsync(path, new { enabled = false })).JsonAsync();

        Assert.Equal("firing", (string)renamed["state"]!);
        Assert.Equal("ok", (string)disabled["state"]!);
    }

    [Fact]
    public async Task ARuleWithManyMistakes_NamesEveryBadFieldAtOnce()
    {
        var project = await fixture.CreateProjectAsync();

        var response = await project.Read.PostAsJsonAsync($"/api/v1/projects/{project.Id}/alert-rules", new
        {
            name = "",
            trigger = "event_share",
            threshold = 150,
            windowMinutes = 0,
            minimumEvents = 0,
            cooldownMinutes = -1,
            filter = new { outcomes = new[] { "sad" }, classes = new[] { "2xx" }, codes = new[] { 200 } },
            actions = new
            {
                emails = new[] { "not an address", "Ops <ops@example.com>" },
                webhooks = new[] { new { url = "ftp://hooks.example.com", format = "xml", secret = "short" } },
            },
        });
        var errors = (await response.JsonAsync())["errors"]!.AsObject();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(
            [
                "actions.emails[0]", "actions.emails[1]", "actions.webhooks[0].format", "actions.webhooks[0].secret",
                "actions.webhooks[0].url", "cooldownMinutes", "filter.classes[0]", "filter.codes[0]",
                "filter.outcomes[0]", "minimumEvents", "name", "threshold", "windowMinutes",
            ],
            errors.Select(error => error.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AnEmptyRule_NamesItsNameTriggerAndActions()
    {
        var project = await fixture.CreateProjectAsync();

        var response = await project.Read.PostAsJsonAsync($"/api/v1/projects/{project.Id}/alert-rules", new { });
        var errors = (await response.JsonAsync())["errors"]!.AsObject();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["actions", "name", "trigger"], errors.Select(error => error.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AWindowedTrigger_NeedsAThresholdAndAWindow()
    {
        var project = await fixture.CreateProjectAsync();

        var response = await project.Read.PostAsJsonAsync($"/api/v1/projects/{project.Id}/alert-rules", new
        {
            name = "too many",
            trigger = "event_count",
            threshold = 2.5,
            actions = new { emails = new[] { "oncall@example.com" } },
        });
        var errors = (await response.JsonAsync())["errors"]!.AsObject();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["threshold", "windowMinutes"], errors.Select(error => error.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AWebhookSecret_IsStoredButNeverReturned()
    {
        var project = await fixture.CreateProjectAsync();
        var rules = $"/api/v1/projects/{project.Id}/alert-rules";

        var created = await project.Read.PostAsJsonAsync(rules, TrunkRule());
        var createdText = await created.Content.ReadAsStringAsync();
        var id = (long)JsonNode.Parse(createdText)!["id"]!;

        // A client that sends back the webhook it read has no secret to send: the stored one stays.
        var patched = await project.Read.PatchAsJsonAsync($"{rules}/{id}", new
        {
            actions = new { webhooks = new[] { new { url = "https://hooks.example.com/calltracker" } } },
        });
        var patchedText = await patched.Content.ReadAsStringAsync();
        var listedText = await project.Read.GetStringAsync(rules);

        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        Assert.All(new[] { createdText, patchedText, listedText },
            text => Assert.DoesNotContain(Secret, text, StringComparison.Ordinal));
        Assert.True((bool)JsonNode.Parse(patchedText)!["actions"]!["webhooks"]![0]!["secretSet"]!);
        Assert.Equal(1, await fixture.CountSqlAsync(
            $"SELECT count(*) FROM alert_rules WHERE id = {id} AND actions->'webhooks'->0->>'secret' = '{Secret}'"));
    }

    [Fact]
    public async Task AJsonWebhookGivenWithoutASecret_GetsOneMade_ShownInThatAnswerOnly()
    {
        var project = await fixture.CreateProjectAsync();
        var rules = $"/api/v1/projects/{project.Id}/alert-rules";

        var created = await project.Read.PostAsJsonAsync(rules, new
        {
            name = "Unsigned at first",
            trigger = "new_issue",
            actions = new
            {
                webhooks = new object[]
                {
                    new { url = "https://hooks.example.com/json" },
                    new { url = "https://hooks.example.com/slack", format = "slack" },
                },
            },
        });
        var webhooks = (await created.JsonAsync())["actions"]!["webhooks"]!.AsArray();
        var id = (long)(await created.JsonAsync())["id"]!;
        var secret = (string)webhooks[0]!["secret"]!;
        var read = await project.Read.GetStringAsync($"{rules}/{id}");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Matches("^[0-9a-f]{64}$", secret);
        Assert.True((bool)webhooks[0]!["secretSet"]!);
        Assert.Null(webhooks[1]!["secret"]);
        Assert.False((bool)webhooks[1]!["secretSet"]!);
        Assert.DoesNotContain(secret, read, StringComparison.Ordinal);
        Assert.Equal(1, await fixture.CountSqlAsync(
            $"SELECT count(*) FROM alert_rules WHERE id = {id} AND actions->'webhooks'->0->>'secret' = '{secret}'"));
    }

    [Fact]
    public async Task AnIssueRule_FilteringOnAgentsOrTags_IsRefused_SinceAnIssueHasNoOneAgent()
    {
        var project = await fixture.CreateProjectAsync();

        var response = await project.Read.PostAsJsonAsync($"/api/v1/projects/{project.Id}/alert-rules", new
        {
            name = "New failures of agent 1001",
            trigger = "new_issue",
            filter = new { agents = new[] { "1001" }, tags = new { campaign = "spring" } },
            actions = new { emails = new[] { "oncall@example.com" } },
        });
        var errors = (await response.JsonAsync())["errors"]!.AsObject();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["filter.agents", "filter.tags"], errors.Select(error => error.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AReadToken_IsForbiddenTheRules_AndAWriteTokenManagesThem()
    {
        var project = await fixture.CreateProjectAsync();
        var reader = await TokenAsync(project, Scopes.Read);
        var writer = await TokenAsync(project, Scopes.Write);
        var rules = $"/api/v1/projects/{project.Id}/alert-rules";

        var readList = await reader.GetAsync(rules);
        var readCreate = await reader.PostAsJsonAsync(rules, TrunkRule());
        var readHistory = await reader.GetAsync($"/api/v1/projects/{project.Id}/alerts");
        var written = await writer.PostAsJsonAsync(rules, TrunkRule());
        var writtenList = await writer.GetJsonAsync(rules);

        Assert.Equal(HttpStatusCode.Forbidden, readList.StatusCode);
        Assert.Contains("'write'", (string)(await readList.JsonAsync())["detail"]!, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, readCreate.StatusCode);
        Assert.Equal(HttpStatusCode.OK, readHistory.StatusCode);
        Assert.Equal(HttpStatusCode.Created, written.StatusCode);
        Assert.Single(writtenList.AsArray());
    }

    [Fact]
    public async Task AnotherProjectsRulesAndAlerts_AreNotFound()
    {
        var owner = await fixture.CreateProjectAsync("owner");
        var stranger = await fixture.CreateProjectAsync("stranger");
        var rule = await (await owner.Read.PostAsJsonAsync(
            $"/api/v1/projects/{owner.Id}/alert-rules", TrunkRule())).JsonAsync();
        var theirs = $"/api/v1/projects/{owner.Id}/alert-rules";

        var answers = new[]
        {
            await stranger.Read.GetAsync(theirs),
            await stranger.Read.PostAsJsonAsync(theirs, TrunkRule()),
            await stranger.Read.GetAsync($"{theirs}/{rule["id"]}"),
            await stranger.Read.PatchAsJsonAsync($"{theirs}/{rule["id"]}", new { enabled = false }),
            await stranger.Read.DeleteAsync($"{theirs}/{rule["id"]}"),
            await stranger.Read.GetAsync($"/api/v1/projects/{owner.Id}/alerts"),

            // Its own project's path does not reach the rule either.
            await stranger.Read.GetAsync($"/api/v1/projects/{stranger.Id}/alert-rules/{rule["id"]}"),
        };

        Assert.All(answers, answer => Assert.Equal(HttpStatusCode.NotFound, answer.StatusCode));
        Assert.True((bool)(await owner.Read.GetJsonAsync($"{theirs}/{rule["id"]}"))["enabled"]!);
    }

    [Fact]
    public async Task NewIssueAndRegressionRules_WatchTheOutcomesSomeoneCanActOn_ByDefault()
    {
        var project = await fixture.CreateProjectAsync();
        var rules = $"/api/v1/projects/{project.Id}/alert-rules";
        var email = new { emails = new[] { "oncall@example.com" } };

        var newIssue = await (await project.Read.PostAsJsonAsync(
            rules, new { name = "new", trigger = "new_issue", actions = email })).JsonAsync();
        var chosen = await (await project.Read.PostAsJsonAsync(rules, new
        {
            name = "busy regressions",
            trigger = "regression",
            filter = new { outcomes = new[] { "busy" } },
            actions = email,
        })).JsonAsync();
        var counted = await (await project.Read.PostAsJsonAsync(rules, new
        {
            name = "any burst",
            trigger = "event_count",
            threshold = 10,
            windowMinutes = 5,
            actions = email,
        })).JsonAsync();
        var read = await project.Read.GetJsonAsync($"{rules}/{newIssue["id"]}");

        Assert.Equal(
            [
                "invalid_number", "network_error", "configuration_error", "media_error", "blocked", "redirected",
                "no_response", "unknown",
            ],
            read["filter"]!["outcomes"]!.AsArray().Select(outcome => (string)outcome!));
        Assert.Null(read["threshold"]);
        Assert.Equal(["busy"], chosen["filter"]!["outcomes"]!.AsArray().Select(outcome => (string)outcome!));
        Assert.Empty(counted["filter"]!["outcomes"]!.AsArray());
    }

    [Fact]
    public async Task TheHistory_IsPagedNewestFirst_AndFilteredByRule()
    {
        var project = await fixture.CreateProjectAsync();
        for (var minute = 1; minute <= 5; minute++)
        {
            await InsertAlertAsync(project.Id, ruleId: minute % 2 == 0 ? 2 : 1, minute);
        }

        var alerts = $"/api/v1/projects/{project.Id}/alerts";
        var first = await project.Read.GetJsonAsync($"{alerts}?limit=2");
        var second = await project.Read.GetJsonAsync($"{alerts}?limit=2&cursor={first["nextCursor"]}");
        var third = await project.Read.GetJsonAsync($"{alerts}?limit=2&cursor={second["nextCursor"]}");
        var oneRule = await project.Read.GetJsonAsync($"{alerts}?ruleId=2");
        var badCursor = await project.Read.GetAsync($"{alerts}?cursor=nonsense");

        Assert.Equal(["minute 5", "minute 4", "minute 3", "minute 2", "minute 1"],
            new[] { first, second, third }.SelectMany(page => page["items"]!.AsArray())
                .Select(item => (string)item!["summary"]!));
        Assert.Null(third["nextCursor"]);
        Assert.Equal(["minute 4", "minute 2"],
            oneRule["items"]!.AsArray().Select(item => (string)item!["summary"]!));
        var newest = first["items"]![0]!;
        Assert.Equal("failed", (string)newest["deliveries"]![0]!["status"]!);
        Assert.Equal("event_count", (string)newest["message"]!["trigger"]!);
        Assert.Equal(HttpStatusCode.BadRequest, badCursor.StatusCode);
    }

    /// <summary>Nothing fires yet (the evaluator is being built), so the history is written as it will be.</summary>
    private Task InsertAlertAsync(int projectId, long ruleId, int minute)
    {
        var at = $"2026-12-01T08:{minute:00}:00Z";
        var message = new JsonObject
        {
            ["alertId"] = 0,
            ["projectId"] = projectId,
            ["projectName"] = "test",
            ["ruleId"] = ruleId,
            ["ruleName"] = "burst",
            ["kind"] = "fired",
            ["trigger"] = "event_count",
            ["summary"] = $"minute {minute}",
            ["at"] = at,
            ["link"] = "http://localhost:5080/api/v1/issues",
        };
        var deliveries = new JsonArray(new JsonObject
        {
            ["channel"] = "webhook",
            ["target"] = "https://hooks.example.com/calltracker",
            ["status"] = "failed",
            ["attempts"] = 3,
            ["lastError"] = "connection refused",
            ["sentAt"] = null,
        });
        return fixture.ExecuteSqlAsync(
            "INSERT INTO alerts (project_id, rule_id, kind, at, summary, message, deliveries) VALUES " +
            $"({projectId}, {ruleId}, 'fired', '{at}', 'minute {minute}', '{message.ToJsonString()}', " +
            $"'{deliveries.ToJsonString()}')");
    }

    private static object TrunkRule() => new
    {
        name = "Network errors on the carrier trunk",
        trigger = "event_count",
        threshold = 20,
        windowMinutes = 5,
        filter = new { outcomes = new[] { "network_error" }, trunks = new[] { "viettel-1" } },
        actions = new
        {
            emails = new[] { "oncall@example.com" },
            webhooks = new[]
            {
                new { url = "https://hooks.example.com/calltracker", format = "json", secret = Secret },
            },
        },
    };

    private async Task<HttpClient> TokenAsync(TestProject project, string scope)
    {
        var created = await project.Read.PostAsJsonAsync(
            $"/api/v1/projects/{project.Id}/tokens", new { name = scope, scopes = new[] { scope } });
        var client = fixture.Factory.CreateClient();
        client.DefaultRequestHeaders.Authorization =
            new AuthenticationHeaderValue("Bearer", (string)(await created.JsonAsync())["token"]!);
        return client;
    }
}
