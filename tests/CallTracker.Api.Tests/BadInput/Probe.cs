using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using CallTracker.Api.Tests.Infrastructure;
using Xunit.Abstractions;

namespace CallTracker.Api.Tests.BadInput;

/// <summary>What the service answered to one bad input.</summary>
public sealed record Answer(int Status, string? MediaType, string Body, JsonNode? Json);

/// <summary>
/// Sends bad input and holds every answer to the rule of issue 7: never a 5xx, never a hang, a 4xx is a
/// ProblemDetails whose title and status are set and whose detail or errors say what was wrong, and a refused
/// request leaves the project's rows as they were. Failures are collected rather than thrown, so that one run
/// names every endpoint and input that breaks the rule; <see cref="AssertNoFailures"/> ends a test.
/// </summary>
public sealed class Probe : IDisposable
{
    /// <summary>Generous: the slowest honest answer here takes well under a second.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static readonly string[] Tables = ["call_events", "error_events", "event_ids", "issues", "call_rollups"];

    private readonly ApiFixture fixture;
    private readonly HttpClient authorized;
    private readonly HttpClient bare;
    private readonly List<string> failures = [];
    private readonly Dictionary<string, int> casesByEndpoint = [];

    /// <summary>Requests Kestrel itself refused before the service saw them (see IsKestrelRefusal).</summary>
    private readonly List<string> kestrelRefusals = [];

    private HttpClient? kestrel;
    private string? rows;

    public Probe(ApiFixture fixture)
    {
        this.fixture = fixture;
        authorized = fixture.Factory.CreateClient();
        authorized.Timeout = Timeout;
        bare = fixture.Factory.CreateClient();
        bare.Timeout = Timeout;
    }

    /// <summary>The project the requests are made for; see <see cref="UseNewProjectAsync"/>.</summary>
    public SeededProject Seeded { get; private set; } = null!;

    /// <summary>
    /// Makes the following requests for a new seeded project, so that what one endpoint's input changed (a
    /// setting, a quota) cannot change how another endpoint answers.
    /// </summary>
    public async Task<SeededProject> UseNewProjectAsync()
    {
        Seeded = await SeededProject.CreateAsync(fixture);
        rows = null;

        // Every credential at once: the endpoint's policy picks the one it reads, so each route is reached.
        var headers = authorized.DefaultRequestHeaders;
        headers.Clear();
        headers.Authorization = new AuthenticationHeaderValue("Bearer", Seeded.ApiToken);
        headers.Add("X-CallTracker-Key", Seeded.IngestKey);
        headers.Add("X-Sentry-Auth", $"Sentry sentry_version=7, sentry_key={Seeded.IngestKey}");
        kestrel?.Dispose();
        kestrel = null;
        return Seeded;
    }

    public int Sent => casesByEndpoint.Values.Sum();

    /// <summary>
    /// Sends one request and checks the rule. <paramref name="checkRows"/> also compares the project's rows
    /// before and after when the request was refused (always on for writes). Returns null when no answer came.
    /// </summary>
    public async Task<Answer?> SendAsync(
        string endpoint, string label, HttpRequestMessage request, bool withCredentials = true, bool checkRows = false,
        bool overKestrel = false)
    {
        var name = $"{endpoint} [{label}]";
        casesByEndpoint[endpoint] = casesByEndpoint.GetValueOrDefault(endpoint) + 1;
        checkRows |= request.Method != HttpMethod.Get;
        if (checkRows)
        {
            rows ??= await RowsAsync();
        }

        Answer answer;
        try
        {
            var client = overKestrel ? Kestrel() : withCredentials ? authorized : bare;
            // The in-memory server finishes a handler that is busy (a regex at work) before it lets a cancelled
            // client go, so the wait is bounded here too.
            using var response = await client.SendAsync(request).WaitAsync(Timeout);
            var body = await response.Content.ReadAsStringAsync();
            answer = new Answer((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, body,
                TryParse(body));
        }
        catch (Exception exception) when (exception is TaskCanceledException or TimeoutException)
        {
            failures.Add($"{name}: no answer within {Timeout.TotalSeconds} s");
            rows = null;
            return null;
        }
        catch (HttpRequestException exception)
        {
            failures.Add($"{name}: the request failed: {exception.GetType().Name}: {exception.Message}");
            rows = null;
            return null;
        }
        finally
        {
            request.Dispose();
        }

        if (overKestrel && IsKestrelRefusal(answer))
        {
            kestrelRefusals.Add($"{name}: {answer.Status}");
        }
        else if (Problem(answer) is { } problem)
        {
            failures.Add($"{name}: {problem}");
        }

        if (checkRows)
        {
            var before = rows;
            rows = await RowsAsync();
            if (answer.Status >= 400 && rows != before)
            {
                failures.Add($"{name}: refused with {answer.Status}, yet rows changed from {before} to {rows}");
            }
        }

        return answer;
    }

    /// <summary>Records a broken expectation beyond the general rule (what README promises for an input).</summary>
    public void Expect(bool condition, string endpoint, string label, string expectation, Answer? answer)
    {
        if (answer is not null && !condition)
        {
            failures.Add($"{endpoint} [{label}]: expected {expectation}; got {answer.Status} {Shorten(answer.Body)}");
        }
    }

    /// <summary>Writes how many requests each endpoint got, then fails with every broken rule, if any.</summary>
    public void AssertNoFailures(ITestOutputHelper output)
    {
        foreach (var (endpoint, count) in casesByEndpoint)
        {
            output.WriteLine($"{count,5} {endpoint}");
        }

        output.WriteLine($"{Sent,5} requests in all, seed {Inputs.Seed}; {kestrelRefusals.Count} of them refused by "
            + "Kestrel before the service, without a body");

        Assert.True(Sent > 0, "No request was sent: the endpoint catalogue is empty.");
        Assert.True(failures.Count == 0,
            $"{failures.Count} of {Sent} answers broke the rule:\n" + string.Join("\n", failures.Take(40)));
    }

    public void Dispose()
    {
        authorized.Dispose();
        bare.Dispose();
        kestrel?.Dispose();
    }

    /// <summary>What is wrong with an answer under the rule, or null when it keeps it.</summary>
    public static string? Problem(Answer answer)
    {
        if (answer.Status >= 500)
        {
            return $"{answer.Status} {Shorten(answer.Body)}";
        }

        if (answer.Status < 400)
        {
            return null;
        }

        if (answer.MediaType != "application/problem+json")
        {
            return $"{answer.Status} as {answer.MediaType ?? "no content type"}, not a ProblemDetails: "
                + Shorten(answer.Body);
        }

        if (answer.Json is not JsonObject problem || (string?)problem["title"] is not { Length: > 0 }
            || problem["status"] is not JsonValue status || status.GetValue<int>() != answer.Status)
        {
            return $"{answer.Status} without a title and a matching status: {Shorten(answer.Body)}";
        }

        var saysWhat = (string?)problem["detail"] is { Length: > 0 }
            || problem["errors"] is JsonObject { Count: > 0 } errors
            && errors.All(error => error.Value is JsonArray { Count: > 0 });
        return saysWhat ? null : $"{answer.Status} with neither a detail nor errors: {Shorten(answer.Body)}";
    }

    /// <summary>
    /// Kestrel refuses a request line it cannot take (a NUL in the path: 400; past 8 KiB: 414; headers past
    /// 32 KiB: 431) before any middleware runs, with an empty body: no ProblemDetails can be written there.
    /// The service never answers a 4xx with an empty body (the status code pages fill one in), so such an
    /// answer over a socket is Kestrel's own.
    /// </summary>
    private static bool IsKestrelRefusal(Answer answer) =>
        answer.Status is 400 or 414 or 431 && answer.Body.Length == 0 && answer.MediaType is null;

    public static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "...";

    /// <summary>
    /// A client of the same service on a real loopback socket, with the project's credentials: for what the
    /// in-memory test server cannot carry (it throws on a NUL in a path) or has no limit for (a huge URL).
    /// </summary>
    private HttpClient Kestrel()
    {
        if (kestrel is null)
        {
            kestrel = new HttpClient { BaseAddress = fixture.KestrelAddress(), Timeout = Timeout };
            foreach (var header in authorized.DefaultRequestHeaders)
            {
                kestrel.DefaultRequestHeaders.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        return kestrel;
    }

    /// <summary>
    /// What a refused request must leave as it was, as one line: the project's rows in every table an event
    /// can reach, and a hash of its settings, keys and tokens with the number of projects (a refused POST
    /// /projects creates none). Two queries, since this runs after every write.
    /// </summary>
    private async Task<string> RowsAsync()
    {
        var project = Seeded.ProjectId;
        var counts = Tables.Select(table => $"(SELECT count(*) FROM {table} WHERE project_id = {project})");
        var events = await fixture.CountSqlAsync("SELECT " + string.Join(" + ", counts));
        var settings = await fixture.CountSqlAsync($"""
            SELECT (SELECT count(*) FROM projects) * 1000003
                + (SELECT hashtext(p::text) FROM projects p WHERE id = {project})
                + coalesce((SELECT sum(hashtext(k::text)) FROM ingest_keys k WHERE project_id = {project}), 0)
                + coalesce((SELECT sum(hashtext(t::text)) FROM api_tokens t WHERE project_id = {project}), 0)
            """);
        return $"{events} rows in {string.Join(", ", Tables)}; settings, keys, tokens and projects {settings}";
    }

    private static JsonNode? TryParse(string body)
    {
        try
        {
            return JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
