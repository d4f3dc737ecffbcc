using System.Net;
using System.Text.Json.Nodes;
using CallTracker.Api.Tests.Infrastructure;
using Xunit.Abstractions;

namespace CallTracker.Api.Tests.BadInput;

/// <summary>
/// Every case of <c>../shared/data/field-cases.json</c> that names a request, sent as written (see
/// <see cref="FieldCaseRequests"/>), held to the rule and to the answer its <c>expected</c> text asks for, as
/// README decides where the case leaves a choice.
/// </summary>
[Collection(ApiSuite.Name)]
public sealed class FieldCaseTests(ApiFixture fixture, ITestOutputHelper output)
{
    /// <summary>The statuses each case's expectation allows, by label; a label not listed, by its id.</summary>
    private static readonly Dictionary<string, int[]> Expected = new()
    {
        ["SENTRY-01"] = [200],
        ["SENTRY-02/preflight"] = [200, 204],
        ["SENTRY-02/json_preflight"] = [200, 204],
        ["SENTRY-02/rejected_post"] = [403],
        ["SENTRY-03/gzip"] = [200],
        ["SENTRY-03/deflate_zlib"] = [200],
        ["SENTRY-03/brotli"] = [200],
        ["SENTRY-03/corrupt"] = [400],
        ["SENTRY-03/bomb"] = [413],
        ["SENTRY-03/unknown"] = [415],
        ["SENTRY-04"] = [413],
        ["SENTRY-05/store_no_event_id"] = [200],
        ["SENTRY-05/envelope_no_event_id_no_timestamp"] = [200],
        ["SENTRY-05/envelope_header_non_utf8_bytes"] = [400],
        ["PG-01"] = [202],
        ["PG-02/no_offset"] = [400],
        ["PG-02"] = [202],
        ["SIP-01"] = [202],
        ["SIP-02"] = [202],
        ["SIP-03/[4]"] = [400],
        ["SIP-03/[5]"] = [400],
        ["SIP-03/[6]"] = [400],
        ["SIP-03/[7]"] = [400],
        ["SIP-03/[8]"] = [400],
        ["SIP-03/[9]"] = [400],
        ["SIP-03/[11]"] = [400],
        ["SIP-03"] = [202],
        ["PHONE-01"] = [202],
        ["SWAG-01"] = [200],
        ["SWAG-02"] = [200],
    };

    [Fact]
    public async Task EveryFieldCaseThatNamesARequest_KeepsTheRuleAndGetsTheAnswerItExpects()
    {
        using var probe = new Probe(fixture);
        var seeded = await probe.UseNewProjectAsync();
        var requests = new FieldCaseRequests(seeded);

        foreach (var entry in SharedData.FieldCases())
        {
            foreach (var request in requests.For(entry!))
            {
                var answer = await probe.SendAsync(request.Endpoint, request.Label, request.Build(),
                    request.WithCredentials);
                var allowed = Allowed(request.Label);
                probe.Expect(allowed.Contains(answer?.Status ?? 0), request.Endpoint, request.Label,
                    string.Join(" or ", allowed), answer);
                output.WriteLine($"{request.Label}: {answer?.Status}");
            }
        }

        var nul = await seeded.Project.Read.GetJsonAsync("/api/v1/events/5b0c7a2e-8f3d-4a61-b2e9-0c4d7f1a9e33");

        Assert.Equal("BusyHere", (string)nul["reasonPhrase"]!);
        Assert.True((bool)nul["nulRemoved"]!);
        probe.AssertNoFailures(output);
    }

    [Fact]
    public async Task EveryFieldCase_IsSentOrSaysWhereItIsTested()
    {
        var requests = new FieldCaseRequests(await SeededProject.CreateAsync(fixture));

        var silent = SharedData.FieldCases()
            .Where(entry => !FieldCaseRequests.NotRequests.ContainsKey((string)entry!["id"]!))
            .Where(entry => !requests.For(entry!).Any())
            .Select(entry => (string)entry!["id"]!)
            .ToList();

        Assert.Empty(silent);
    }

    /// <summary>
    /// SENTRY-07: the same envelope twice, the same envelope twice at once, and the same native event twice are
    /// each answered as a success and stored once.
    /// </summary>
    [Fact]
    public async Task Sentry07_RepeatedAndConcurrentDuplicates_AreAnsweredAsSuccessesAndStoredOnce()
    {
        using var probe = new Probe(fixture);
        var sequential = await probe.UseNewProjectAsync();
        var envelope = new FieldCaseRequests(sequential).Sentry01();
        var step3 = JsonNode.Parse(SharedData.FieldCaseInput("SENTRY-07").GetProperty("step3_json").GetRawText())!
            .AsObject();
        var client = fixture.Factory.CreateClient();

        var first = await probe.SendAsync(envelope.Endpoint, "step1", envelope.Build(), withCredentials: false);
        var second = await probe.SendAsync(envelope.Endpoint, "step2", envelope.Build(), withCredentials: false);
        var json = new List<HttpResponseMessage>();
        for (var time = 0; time < 2; time++)
        {
            step3["occurredAt"] = HttpExtensions.MinutesAgo(1);
            json.Add(await sequential.Project.Ingest.PostEventsAsync(step3));
        }

        var concurrent = await probe.UseNewProjectAsync();
        var twin = new FieldCaseRequests(concurrent).Sentry01();
        var together = await Task.WhenAll(client.SendAsync(twin.Build()), client.SendAsync(twin.Build()));

        Assert.Equal([200, 200], new[] { first?.Status ?? 0, second?.Status ?? 0 });
        Assert.Equal((string?)first?.Json?["id"], (string?)second?.Json?["id"]);
        Assert.Equal([HttpStatusCode.Accepted, HttpStatusCode.Accepted], json.Select(response => response.StatusCode));
        Assert.Equal("duplicate", (string)(await json[1].JsonAsync())["events"]![0]!["status"]!);
        Assert.All(together, response => Assert.Equal(HttpStatusCode.OK, response.StatusCode));
        Assert.Equal(1, await StoredAsync(sequential, "9ec79c33-ec99-42ab-8353-589fcb2e04dc"));
        Assert.Equal(1, await StoredAsync(sequential, (string)step3["eventId"]!));
        Assert.Equal(1, await StoredAsync(concurrent, "9ec79c33-ec99-42ab-8353-589fcb2e04dc"));
        probe.AssertNoFailures(output);
    }

    private static int[] Allowed(string label) =>
        Expected.TryGetValue(label, out var exact) ? exact
        : Expected.TryGetValue(label.Split('/')[0], out var byId) ? byId
        : [200, 201, 202, 204, 400, 403, 404, 413, 415];

    private Task<long> StoredAsync(SeededProject seeded, string eventId) => fixture.CountSqlAsync(
        $"SELECT count(*) FROM call_events WHERE project_id = {seeded.ProjectId} AND event_id = '{eventId}'");
}
