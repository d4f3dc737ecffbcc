using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using CallTracker.Api.Tests.Infrastructure;

namespace CallTracker.Api.Tests;

/// <summary>
/// One day of a call centre whose every count a reader can work out by hand, for the report tests.
/// </summary>
/// <remarks>
/// <para>
/// Four agents, a1 to a4, each place the twenty failures of <see cref="Block"/> twice, at 09:00 and at
/// 14:00 UTC of <see cref="Day"/>: eight blocks, 160 failures. At each of those hours a1 also has 40 answered
/// calls, a2 20, a3 10 and a4 none (140 answered in all), every one to the Viettel number.
/// </para>
/// <para>
/// a1 and a2 dial over trunk t1, a3 and a4 over t2; a1 and a3 work campaign summer, a2 and a4 campaign
/// winter. So each trunk and each campaign holds two agents, and no two of them hold the same pair.
/// </para>
/// <para>
/// At 16:00 agent-007 adds the sixteen shared SIP responses (shared/data/sip-responses), all to 0900000001
/// (MobiFone), with no trunk and no campaign: 3xx 1, 4xx 10, 5xx 2, 6xx 3. By their codes and Reason
/// headers their outcomes are busy 2 (486, 600), invalid_number 3 (404, 484, 604), unreachable 3 (480 with
/// cause 18, 480 with cause 20, 408), no_answer 1 (480 with cause 19), network_error 2 (503, 500),
/// declined 1 (603), cancelled 1 (487), media_error 1 (488), configuration_error 1 (403), redirected 1
/// (302). Of them 11 are network-effective (busy, invalid number, unreachable, no answer, declined,
/// cancelled) and 5 are not.
/// </para>
/// </remarks>
public static class ReportScenario
{
    public const string Viettel = "0320000001";
    public const string MobiFone = "0900000001";
    public const string Vodafone = "+49 172 1234567";

    private static readonly SemaphoreSlim Creating = new(1, 1);
    private static (ApiFixture Fixture, TestProject Project)? shared;

    /// <summary>
    /// The twenty failures each agent places per hour. In words:
    /// 4xx 12 (486: 4, 480: 6, 404: 2), 5xx 3 (503), 6xx 1 (603), none 4 (no final response);
    /// busy 4, unreachable 4, no_answer 3, network_error 5, invalid_number 2, declined 1, no_response 1;
    /// network-effective 14 (busy, unreachable, no answer, invalid number, declined), not effective 6;
    /// Viettel 7, MobiFone 6, Vodafone 7 (of which 2 network-effective: the 480s with cause 20).
    /// </summary>
    public static IReadOnlyList<BlockCall> Block { get; } =
    [
        new(2, 486, null, null, Viettel), // busy
        new(2, 486, "Q.850;cause=21", null, Viettel), // busy still: a specific code keeps its outcome
        new(2, 480, null, null, MobiFone), // unreachable, 480's own outcome
        new(2, 480, "Q.850;cause=19", null, MobiFone), // no_answer: for 480 the cause decides
        new(2, 480, "Q.850;cause=20", null, Vodafone), // unreachable
        new(3, 503, null, null, Vodafone), // network_error
        new(2, 404, null, null, Viettel), // invalid_number
        new(1, 603, null, null, MobiFone), // declined
        new(2, null, null, "transport_error", Vodafone), // network_error
        new(1, null, null, "request_timeout", Viettel), // no_response
        new(1, null, null, "ring_timeout", MobiFone), // no_answer
    ];

    public static IReadOnlyList<ScenarioAgent> Agents { get; } =
    [
        new("a1", "t1", "summer", AnsweredPerHour: 40),
        new("a2", "t1", "winter", AnsweredPerHour: 20),
        new("a3", "t2", "summer", AnsweredPerHour: 10),
        new("a4", "t2", "winter", AnsweredPerHour: 0),
    ];

    public static readonly int[] BlockHours = [9, 14];
    public const int SharedResponsesHour = 16;

    /// <summary>
    /// Midnight UTC three days ago: inside the window of accepted event times (30 days), far enough from
    /// now that no bucket of the day is still filling.
    /// </summary>
    public static DateTimeOffset Day { get; } = new(DateTime.UtcNow.Date.AddDays(-3), TimeSpan.Zero);

    /// <summary>The whole of <see cref="Day"/> in UTC, as from and to query parameters.</summary>
    public static string WholeDay =>
        $"from={Date(Day)}&to={Date(Day.AddDays(1))}";

    public static string Date(DateTimeOffset day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Instant(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// The project holding the scenario, made by whichever test asks first and then shared by every test
    /// that only reads it: some forty tests read it, and posting its 316 events for each would add seconds
    /// to the suite. No test may post to it; one that needs other calls makes a project of its own.
    /// </summary>
    public static async Task<TestProject> SharedAsync(ApiFixture fixture)
    {
        await Creating.WaitAsync();
        try
        {
            if (shared is not { } made || made.Fixture != fixture)
            {
                shared = made = (fixture, await CreateAsync(fixture));
            }

            return made.Project;
        }
        finally
        {
            Creating.Release();
        }
    }

    /// <summary>A new project holding the whole scenario.</summary>
    public static async Task<TestProject> CreateAsync(ApiFixture fixture)
    {
        var project = await fixture.CreateProjectAsync();
        var events = new List<object>();
        foreach (var hour in BlockHours)
        {
            var second = 0;
            DateTimeOffset Next() => Day.AddHours(hour).AddSeconds(second++);
            foreach (var agent in Agents)
            {
                foreach (var call in Block)
                {
                    for (var copy = 0; copy < call.Count; copy++)
                    {
                        events.Add(Failure(call, agent, Next()));
                    }
                }

                for (var answered = 0; answered < agent.AnsweredPerHour; answered++)
                {
                    events.Add(new
                    {
                        occurredAt = Instant(Next()),
                        sipCode = 200,
                        agent = agent.Id,
                        trunk = agent.Trunk,
                        phoneNumber = Viettel,
                        tags = new { campaign = agent.Campaign },
                    });
                }
            }
        }

        events.AddRange(SharedData.SipResponseFiles().Select((file, index) => new
        {
            occurredAt = Instant(Day.AddHours(SharedResponsesHour).AddSeconds(index)),
            sipMessage = SharedData.SipResponse(file),
            agent = "agent-007",
            phoneNumber = MobiFone,
        }));

        var response = await project.Ingest.PostEventsAsync(events);
        var result = await response.JsonAsync();

        // A time outside the accepted window would be replaced by the time received, with a warning, and
        // move the call out of the day: every count below would then be wrong for a reason far from here.
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(events.Count, result["stored"]!.GetValue<int>());
        Assert.All(result["events"]!.AsArray(), item => Assert.Empty(item!["warnings"]!.AsArray()));
        return project;
    }

    private static object Failure(BlockCall call, ScenarioAgent agent, DateTimeOffset occurredAt) => new
    {
        occurredAt = Instant(occurredAt),
        sipCode = call.Code,
        headers = call.Reason is null ? null : new JsonObject { ["Reason"] = call.Reason },
        localCause = call.LocalCause,
        agent = agent.Id,
        trunk = agent.Trunk,
        phoneNumber = call.Number,
        tags = new { campaign = agent.Campaign },
    };
}

/// <summary><paramref name="Count"/> identical failed calls of the block.</summary>
public sealed record BlockCall(int Count, int? Code, string? Reason, string? LocalCause, string Number);

public sealed record ScenarioAgent(string Id, string Trunk, string Campaign, int AnsweredPerHour);
