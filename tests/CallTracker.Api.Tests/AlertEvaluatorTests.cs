using System.Net;
using System.Net.Http.Json;
using CallTracker.Api.Alerts;
using CallTracker.Api.Tests.Infrastructure;
using CallTracker.Storage.Entities;
using Microsoft.Extensions.DependencyInjection;
using static CallTracker.Api.Tests.Infrastructure.HttpExtensions;

namespace CallTracker.Api.Tests;

/// <summary>
/// Issue 8's "done when": a burst of failed calls that matches a rule gives exactly one e-mail (read back from a
/// real SMTP server) and one signed webhook; a second burst inside the cool-down gives none; the history shows
/// what was sent. Rounds are run by the test, not the timer, so that nothing depends on timing.
/// </summary>
[Collection(ApiSuite.Name)]
public sealed class AlertEvaluatorTests(ApiFixture fixture)
{
    private const string Secret = "whsec-evaluator-0123456789abcdef";

    [Fact]
    public async Task ABurst_GivesOneEmailAndOneSignedWebhook_AndASecondBurstInTheCooldownNone()
    {
        await using var smtp = await SmtpSink.StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync(Secret);
        await using var host = await AlertHost.StartAsync(fixture,
            ("CallTracker:Smtp:Host", "127.0.0.1"),
            ("CallTracker:Smtp:Port", smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("CallTracker:Smtp:TlsMode", "None"),
            ("CallTracker:Alerts:PublicUrl", "https://calltracker.example.com"));
        var (project, ingest, admin) = (host.Project, host.Ingest, host.Admin);
        var rule = await admin.PostAsJsonAsync($"/api/v1/projects/{project.Id}/alert-rules", new
        {
            name = "Network errors on viettel-1",
            trigger = "event_count",
            threshold = 3,
            windowMinutes = 5,
            filter = new { outcomes = new[] { "network_error" }, trunks = new[] { "viettel-1" } },
            actions = new
            {
                emails = new[] { "oncall@calltracker.test" },
                webhooks = new[] { new { url = receiver.Url("/hooks/calltracker").ToString(), secret = Secret } },
            },
        });
        Assert.Equal(HttpStatusCode.Created, rule.StatusCode);
        var evaluator = host.Evaluator;

        await BurstAsync(ingest);
        var first = await evaluator.EvaluateAsync(default);
        var mail = await EventuallyAsync(() => smtp.Messages(), count: 1);
        var hook = await EventuallyAsync(() => receiver.Received, count: 1);
        await BurstAsync(ingest);
        var second = await evaluator.EvaluateAsync(default);
        await Task.Delay(TimeSpan.FromSeconds(1));
        var history = await EventuallyAsync(async () =>
        {
            var alerts = await admin.GetJsonAsync($"/api/v1/projects/{project.Id}/alerts");
            var deliveries = alerts["items"]![0]!["deliveries"]!.AsArray();
            return deliveries.All(delivery => (string)delivery!["status"]! == "sent") ? alerts : null;
        });

        Assert.Single(first, alert => alert.ProjectId == project.Id);
        Assert.DoesNotContain(second, alert => alert.ProjectId == project.Id);
        Assert.Single(smtp.Messages());
        Assert.Single(receiver.Received);
        Assert.Equal("[CallTracker] Network errors on viettel-1: 5 in 5 min (limit 3)", mail[0].Subject);
        Assert.Contains("503", mail[0].TextBody, StringComparison.Ordinal);
        Assert.True(hook[0].SignatureValid);
        Assert.Contains("\"kind\":\"fired\"", hook[0].Body, StringComparison.Ordinal);
        Assert.Single(history["items"]!.AsArray());
        Assert.Equal(2, history["items"]![0]!["deliveries"]!.AsArray().Count);
    }

    [Fact]
    public async Task EachNewIssueAndRegression_FiresItsRule_OnlyForOutcomesSomeoneCanActOn_ARegressionOncePerCooldown()
    {
        await using var receiver = await WebhookReceiver.StartAsync(Secret);
        await using var host = await AlertHost.StartAsync(fixture);
        var (project, ingest, admin) = (host.Project, host.Ingest, host.Admin);
        foreach (var trigger in new[] { "new_issue", "regression" })
        {
            var created = await admin.PostAsJsonAsync($"/api/v1/projects/{project.Id}/alert-rules", new
            {
                name = trigger,
                trigger,
                actions = new
                {
                    webhooks = new[] { new { url = receiver.Url($"/{trigger}").ToString(), secret = Secret } },
                },
            });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var evaluator = host.Evaluator;
        async Task<IReadOnlyList<Alert>> PostThenEvaluateAsync(int code)
        {
            (await ingest.PostEventsAsync(new { occurredAt = MinutesAgo(0), sipCode = code }))
                .EnsureSuccessStatusCode();
            return (await evaluator.EvaluateAsync(default)).Where(alert => alert.ProjectId == project.Id).ToList();
        }

        async Task<IReadOnlyList<Alert>> ResolveThenPostAsync(long issue)
        {
            (await admin.PatchAsJsonAsync($"/api/v1/issues/{issue}", new { status = "resolved" }))
                .EnsureSuccessStatusCode();
            return await PostThenEvaluateAsync(404);
        }

        var busy = await PostThenEvaluateAsync(486);
        var invalid = await PostThenEvaluateAsync(404);
        var forbidden = await PostThenEvaluateAsync(403);
        var issues = await admin.GetJsonAsync("/api/v1/issues?code=404");
        var issueId = (long)issues["items"]![0]!["id"]!;
        var regression = await ResolveThenPostAsync(issueId);
        var againInItsCooldown = await ResolveThenPostAsync(issueId);
        var hooks = await EventuallyAsync(() => receiver.Received, count: 3);

        Assert.Empty(busy);
        Assert.Equal("new_issue: new issue, 404 Not Found", Assert.Single(invalid).Summary);
        Assert.Equal("new_issue: new issue, 403 Forbidden", Assert.Single(forbidden).Summary);
        Assert.StartsWith("regression: back after it was resolved", Assert.Single(regression).Summary,
            StringComparison.Ordinal);
        Assert.Empty(againInItsCooldown);
        Assert.Equal(["/new_issue", "/new_issue", "/regression"], hooks.Select(hook => hook.Path).Order());
        Assert.All(hooks, hook => Assert.True(hook.SignatureValid));
        Assert.Contains($"\"issueId\":{issueId}", hooks.Single(hook => hook.Path == "/regression").Body,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWindowedRuleWithATagFilter_CountsOnlyTheEventsCarryingThatTag()
    {
        await using var receiver = await WebhookReceiver.StartAsync(Secret);
        await using var host = await AlertHost.StartAsync(fixture);
        var (project, ingest, admin) = (host.Project, host.Ingest, host.Admin);
        (await admin.PostAsJsonAsync($"/api/v1/projects/{project.Id}/alert-rules", new
        {
            name = "Spring campaign",
            trigger = "event_count",
            threshold = 2,
            windowMinutes = 5,
            filter = new { tags = new { campaign = "spring" } },
            actions = new { webhooks = new[] { new { url = receiver.Url("/spring").ToString(), secret = Secret } } },
        })).EnsureSuccessStatusCode();
        var evaluator = host.Evaluator;
        await evaluator.EvaluateAsync(default);

        var others = Enumerable.Range(0, 5)
            .Select(_ => new { occurredAt = MinutesAgo(0), sipCode = 503, tags = new { campaign = "autumn" } });
        (await ingest.PostEventsAsync(others.ToArray())).EnsureSuccessStatusCode();
        var quiet = await evaluator.EvaluateAsync(default);
        var spring = Enumerable.Range(0, 3)
            .Select(_ => new { occurredAt = MinutesAgo(0), sipCode = 503, tags = new { campaign = "spring" } });
        (await ingest.PostEventsAsync(spring.ToArray())).EnsureSuccessStatusCode();
        var fired = await evaluator.EvaluateAsync(default);
        var hook = await EventuallyAsync(() => receiver.Received, count: 1);

        Assert.DoesNotContain(quiet, alert => alert.ProjectId == project.Id);
        Assert.Equal("Spring campaign: 3 in 5 min (limit 2)",
            Assert.Single(fired, alert => alert.ProjectId == project.Id).Summary);
        Assert.True(Assert.Single(hook).SignatureValid);
    }

    [Fact]
    public async Task ADeliveryStillPendingWhenTheServiceStopped_IsSentWhenItStartsAgain()
    {
        await using var receiver = await WebhookReceiver.StartAsync(Secret);
        var project = await fixture.CreateProjectAsync();
        var url = receiver.Url("/after-restart").ToString();
        var rule = await (await project.Read.PostAsJsonAsync($"/api/v1/projects/{project.Id}/alert-rules", new
        {
            name = "Carrier down",
            trigger = "event_count",
            threshold = 3,
            windowMinutes = 5,
            actions = new { webhooks = new[] { new { url, secret = Secret } } },
        })).JsonAsync();
        var ruleId = (long)rule["id"]!;
        var alertId = await fixture.CountSqlAsync(
            "INSERT INTO alerts (project_id, rule_id, kind, at, summary, message, deliveries) VALUES " +
            $"({project.Id}, {ruleId}, 'fired', now() - '2 minutes'::interval, 'Carrier down: 5 in 5 min', '{{}}', " +
            $"'[{{\"channel\":\"webhook\",\"target\":\"{AlertEvaluator.WebhookTarget(url)}\",\"status\":\"pending\"," +
            "\"attempts\":0}]') RETURNING id");
        var message = AlertJson.Write(new AlertMessage
        {
            AlertId = alertId,
            ProjectId = project.Id,
            ProjectName = "restart",
            RuleId = ruleId,
            RuleName = "Carrier down",
            Kind = "fired",
            Trigger = "event_count",
            Summary = "Carrier down: 5 in 5 min",
            At = DateTimeOffset.UtcNow.AddMinutes(-2),
            Link = "/api/v1/reports/codes",
        });
        await fixture.ExecuteSqlAsync($"UPDATE alerts SET message = '{message}' WHERE id = {alertId}");

        await using var restarted = fixture.Factory.WithWebHostBuilder(_ => { });
        _ = restarted.Services;
        var hook = await EventuallyAsync(() => receiver.Received, count: 1);
        var history = await EventuallyAsync(async () =>
        {
            var alerts = await project.Read.GetJsonAsync($"/api/v1/projects/{project.Id}/alerts");
            return (string)alerts["items"]![0]!["deliveries"]![0]!["status"]! == "sent" ? alerts : null;
        });

        Assert.True(Assert.Single(hook).SignatureValid);
        Assert.Contains($"\"alertId\":{alertId}", hook[0].Body, StringComparison.Ordinal);
        Assert.Equal(1, (int)history["items"]![0]!["deliveries"]![0]!["attempts"]!);
    }

    private static async Task BurstAsync(HttpClient ingest)
    {
        var burst = Enumerable.Range(0, 5)
            .Select(_ => new { occurredAt = MinutesAgo(0), sipCode = 503, trunk = "viettel-1" }).ToArray();
        (await ingest.PostEventsAsync(burst)).EnsureSuccessStatusCode();
    }

    /// <summary>Waits (bounded: 10 s) for a delivery that runs in the background to arrive.</summary>
    private static async Task<IReadOnlyList<T>> EventuallyAsync<T>(Func<IReadOnlyList<T>> read, int count)
    {
        for (var attempt = 0; attempt < 100 && read().Count < count; attempt++)
        {
            await Task.Delay(100);
        }

        return read();
    }

    private static async Task<T> EventuallyAsync<T>(Func<Task<T?>> read)
        where T : class
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (await read() is { } value)
            {
                return value;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("The history never showed every delivery sent.");
    }
}
