using System.Net;
using System.Text;
using CallTracker.Api.Tests.Infrastructure;
using static CallTracker.Api.Tests.Infrastructure.HttpExtensions;

namespace CallTracker.Api.Tests.BadInput;

/// <summary>
/// A project of the test's own with one of everything a route can name: a failed call (and so its issue)
/// tagged <c>campaign</c>, and an error event. Route parameters are filled with these, so that a probe reaches
/// the handler behind each route rather than a 404.
/// </summary>
public sealed record SeededProject(TestProject Project, Guid EventId, Guid ErrorEventId, long IssueId)
{
    /// <summary>An id no key or token has: a probe must never revoke the key it posts with.</summary>
    private static readonly Guid Nobody = new("0badbad0-0000-4000-8000-000000000007");

    public int ProjectId => Project.Id;

    public string IngestKey => Project.IngestKey;

    public string ApiToken => Project.ApiToken;

    public static async Task<SeededProject> CreateAsync(ApiFixture fixture)
    {
        var project = await fixture.CreateProjectAsync("bad input");
        var eventId = Guid.NewGuid();
        var errorEventId = Guid.NewGuid();

        var call = await project.Ingest.PostEventsAsync(new
        {
            eventId,
            occurredAt = MinutesAgo(3),
            sipCode = 486,
            agent = "agent-007",
            tags = new { campaign = "winter-sale" },
        });
        var error = await fixture.Factory.CreateClient().PostAsync(
            $"/api/{project.Id}/store/?sentry_key={project.IngestKey}",
            new StringContent($$"""{"event_id":"{{errorEventId:N}}","message":"CRM crashed"}""", Encoding.UTF8,
                "application/json"));
        var issueId = await fixture.CountSqlAsync(
            $"SELECT id FROM issues WHERE project_id = {project.Id} AND kind = 'call' LIMIT 1");

        Assert.Equal(HttpStatusCode.Accepted, call.StatusCode);
        Assert.Equal(HttpStatusCode.OK, error.StatusCode);
        return new SeededProject(project, eventId, errorEventId, issueId);
    }

    /// <summary>A value of a route parameter that names something of this project.</summary>
    public string RouteValue(Endpoint endpoint, string parameter) => parameter switch
    {
        "projectId" => ProjectId.ToString(),
        "id" when endpoint.Template.StartsWith("/api/v1/issues", StringComparison.Ordinal) => IssueId.ToString(),
        "id" => ProjectId.ToString(),
        "eventId" when endpoint.Template.Contains("error-events", StringComparison.Ordinal)
            => ErrorEventId.ToString("N"),
        "eventId" => EventId.ToString(),
        "keyId" or "tokenId" => Nobody.ToString(),
        "code" => "486",
        "key" => "campaign",
        _ => "1",
    };

    /// <summary>The endpoint's path with every route parameter naming something of this project.</summary>
    public string PathOf(Endpoint endpoint) => endpoint.Path(parameter => RouteValue(endpoint, parameter));
}
