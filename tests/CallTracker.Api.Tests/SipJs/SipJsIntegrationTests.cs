using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using CallTracker.Api.Tests.Infrastructure;
using Xunit.Abstractions;

namespace CallTracker.Api.Tests.SipJs;

/// <summary>
/// Issue 9's end-to-end check: the reporter of clients/sipjs with the real SIP.js, in Node and in a Chromium page,
/// over a WebSocket to a real Kamailio, which relays each call to a real SIPp that answers it the way one shared
/// capture did (or not at all). CallTracker runs as a process of its own; every event is read back from its
/// query API. Both drivers place the same calls (clients/sipjs/test/integration/calls.mjs).
/// </summary>
[Collection(SipJsSuite.Name)]
public sealed class SipJsIntegrationTests(ITestOutputHelper output)
{
    private const string RingPeer = "ring";
    private const string TryingOnlyPeer = "trying-only";
    private const string AnswerPeer = "answer";
    private const string SilentPeer = "silent";

    /// <summary>The silent call ends on SIP.js's Timer B at 32 s; the rest within seconds, all at once.</summary>
    private static readonly TimeSpan CallsWithin = TimeSpan.FromSeconds(100);

    private static readonly TimeSpan StoredWithin = TimeSpan.FromSeconds(15);

    [SipFact]
    public Task EveryFailedCall_PlacedWithSipJsInNodeThroughKamailio_GivesExactlyOneCorrectEvent() =>
        PlaceEveryCallAndCheckAsync("place-calls.mjs", chromium: false);

    /// <summary>The page loads the browser bundle and posts with the browser's fetch, to another origin.</summary>
    [SipFact(chromium: true)]
    public Task EveryFailedCall_PlacedFromAChromiumPageThroughKamailio_GivesExactlyOneCorrectEvent() =>
        PlaceEveryCallAndCheckAsync("place-calls-in-chromium.mjs", chromium: true);

    private async Task PlaceEveryCallAndCheckAsync(string driver, bool chromium)
    {
        SipTools.EnsureInstalled(chromium);
        var calls = PlannedCalls();
        var agent = $"agent-it-{Guid.NewGuid():N}";
        var building = NodePackage.EnsureBuiltAsync();
        await using var rig = await SipRig.StartAsync(Peers(calls), SilentPeer);
        await building;

        var (placed, left, driverLog) = await PlaceCallsAsync(driver, rig, calls, agent);
        using var reader = new HttpClient { BaseAddress = rig.Service.Address };
        reader.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ServiceProcess.ApiToken);
        var listed = await ListEventsAsync(reader, agent, calls.Count);
        var mismatches = new List<string>();
        foreach (var call in calls)
        {
            mismatches.AddRange(await CheckAsync(reader, call, placed.GetValueOrDefault(call.Name), listed));
        }

        var strays = listed.Keys.Except(placed.Values.Select(result => result.EventId ?? "")).ToList();
        mismatches.AddRange(strays.Select(eventId => $"event {eventId}: listed for the agent but queued for no call"));
        mismatches.AddRange(left.Select(leftOver => $"the reporter still holds {leftOver} after its flush"));

        Assert.True(mismatches.Count == 0, $"{mismatches.Count} mismatches:\n{string.Join('\n', mismatches)}\n\n"
            + $"{WhatSipJsSaid(mismatches, driverLog)}\n{rig.Tails()}");
    }

    /// <summary>
    /// Every shared capture as the peer's final response, then each way a call ends without one. SIP.js makes up
    /// a 408 (Timer B) and a 503 (no transport) itself: those must arrive as local causes, with no SIP code.
    /// </summary>
    private static List<PlannedCall> PlannedCalls()
    {
        var calls = SharedData.Index().Select(row => new PlannedCall(
            Path.GetFileNameWithoutExtension(row.File), Path.GetFileNameWithoutExtension(row.File), "wait",
            new Expected(row.Code, row.Class, StatusPhrase(row.File), NullIfEmpty(row.ReasonProtocol),
                int.TryParse(row.ReasonCause, out var cause) ? cause : null, LocalCause: null, Ringing: true)))
            .ToList();

        var terminated = "Request Terminated";
        calls.AddRange([
            new("ring-timeout", RingPeer, "ring_timeout",
                new Expected(487, "4xx", terminated, null, null, "ring_timeout", Ringing: true), RingTimeoutMs: 1500),
            new("cancel-while-ringing", RingPeer, "cancel",
                new Expected(487, "4xx", terminated, null, null, "cancelled_before_response", Ringing: true),
                AfterMs: 800),

            // The proxy's 100 Trying has come (SIP.js holds a CANCEL until some provisional response has), no 18x.
            new("cancel-on-trying", TryingOnlyPeer, "cancel",
                new Expected(487, "4xx", terminated, null, null, "cancelled_before_response", Ringing: false),
                AfterMs: 500),
            new("offer-failure", SilentPeer, "offer_failure", NoResponse("media_error", ringing: false)),
            new("media-failure", AnswerPeer, "media_failure", NoResponse("media_error", ringing: true)),
            new("close-transport", RingPeer, "close_transport", NoResponse("transport_error", ringing: true),
                AfterMs: 800),
            new("transport-down", SilentPeer, "transport_down", NoResponse("transport_error", ringing: false)),
            new("silent", SilentPeer, "wait", NoResponse("request_timeout", ringing: false)),
        ]);
        return calls;
    }

    private static Expected NoResponse(string localCause, bool ringing) =>
        new(SipCode: null, "none", ReasonPhrase: null, null, null, localCause, ringing);

    private static List<SippPeer> Peers(List<PlannedCall> calls)
    {
        var peers = SharedData.Index().Select(row => new SippPeer(
            Path.GetFileNameWithoutExtension(row.File),
            SippScenarios.ForResponseFile(row.File, SharedData.SipResponse(row.File)),
            Calls: 1)).ToList();
        peers.Add(new SippPeer(RingPeer, SippScenarios.Ring(), calls.Count(call => call.Peer == RingPeer)));
        peers.Add(new SippPeer(TryingOnlyPeer, SippScenarios.TryingOnly(), 1));
        peers.Add(new SippPeer(AnswerPeer, SippScenarios.Answer(), 1));
        peers.Add(new SippPeer(SilentPeer, SippScenarios.Silent(), 1));
        return peers;
    }

    /// <returns>
    /// Each call's Call-ID and event id by name, what the reporter still held after its flush (its queue, and in
    /// the page its localStorage), and the driver's log.
    /// </returns>
    private async Task<(Dictionary<string, PlacedCall> Placed, List<string> Left, IReadOnlyList<string> Log)>
        PlaceCallsAsync(string driverScript, SipRig rig, List<PlannedCall> calls, string agent)
    {
        var plan = new
        {
            wsUrl = rig.WebSocket.ToString().TrimEnd('/'),
            endpoint = rig.Service.Address.ToString().TrimEnd('/'),
            ingestKey = ServiceProcess.IngestKey,
            agent,
            calls = calls.Select((call, index) => new
            {
                name = call.Name,
                target = $"sip:{rig.Numbers[call.Peer]}@127.0.0.1",
                phoneNumber = $"09000000{index + 1:D2}",
                action = call.Action,
                afterMs = call.AfterMs,
                ringTimeoutMs = call.RingTimeoutMs,
            }),
        };
        var planFile = Path.Combine(Path.GetTempPath(), $"calltracker-sipjs-plan-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(planFile, JsonSerializer.Serialize(plan));
        try
        {
            var started = Stopwatch.StartNew();
            var script = Path.Combine(NodePackage.Root, "test", "integration", driverScript);
            await using var driver = ToolProcess.Start(
                $"node {driverScript}", SipTools.Node, [script, planFile], NodePackage.Root);
            var exitCode = await driver.WaitForExitAsync(CallsWithin);
            output.WriteLine($"the driver ended in {started.Elapsed.TotalSeconds:F1} s with {exitCode}");
            output.WriteLine(driver.Tail(200));
            Assert.True(exitCode == 0, $"the driver ended with {exitCode?.ToString() ?? "no exit"}:\n"
                + $"{driver.Tail(80)}\n{rig.Tails()}");

            var result = JsonNode.Parse(driver.Output.Last(line => line.StartsWith('{')))!;
            var placed = result["calls"]!.AsArray().ToDictionary(
                call => (string)call!["name"]!,
                call => new PlacedCall(
                    (string?)call!["callId"], call["event"] is JsonObject queued ? (string?)queued["eventId"] : null));
            var left = new[] { "queued", "stored" }
                .Where(field => result[field] is JsonValue count && count.GetValue<int>() != 0)
                .Select(field => $"{result[field]} events ({field})").ToList();
            return (placed, left, driver.Errors);
        }
        finally
        {
            File.Delete(planFile);
        }
    }

    /// <summary>The agent's events by id, once as many as expected are there (the sends were acknowledged).</summary>
    private static async Task<Dictionary<string, JsonObject>> ListEventsAsync(HttpClient reader, string agent,
        int expected)
    {
        var listed = new Dictionary<string, JsonObject>();
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < StoredWithin)
        {
            var page = await reader.GetFromJsonAsync<JsonObject>(
                $"/api/v1/events?agent={Uri.EscapeDataString(agent)}&limit=100");
            listed = page!["items"]!.AsArray().Select(item => item!.AsObject())
                .ToDictionary(item => (string)item["eventId"]!);
            if (listed.Count >= expected)
            {
                break;
            }

            await Task.Delay(200);
        }

        return listed;
    }

    private static async Task<List<string>> CheckAsync(HttpClient reader, PlannedCall call, PlacedCall? placed,
        Dictionary<string, JsonObject> listed)
    {
        var mismatches = new List<string>();
        var expected = call.Expected;
        if (placed?.EventId is not { } eventId)
        {
            return [$"{call.Name}: the reporter queued no event"];
        }

        if (!listed.ContainsKey(eventId))
        {
            mismatches.Add($"{call.Name}: event {eventId} is not among the agent's events");
        }

        using var response = await reader.GetAsync($"/api/v1/events/{eventId}");
        if (!response.IsSuccessStatusCode)
        {
            return [.. mismatches, $"{call.Name}: GET /api/v1/events/{eventId} answered {(int)response.StatusCode}"];
        }

        var stored = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        void Compare(string field, object? want)
        {
            var actual = stored[field]?.ToJsonString();
            var wanted = want is null ? null : JsonSerializer.Serialize(want);
            if (actual != wanted)
            {
                mismatches.Add($"{call.Name}: {field} is {actual ?? "null"}, expected {wanted ?? "null"}");
            }
        }

        void Present(string field, bool present)
        {
            if ((stored[field] is not null) != present)
            {
                mismatches.Add($"{call.Name}: {field} is {stored[field]?.ToJsonString() ?? "null"}, expected "
                    + (present ? "a value" : "null"));
            }
        }

        Compare("sipCode", expected.SipCode);
        Compare("responseClass", expected.ResponseClass);
        Compare("reasonPhrase", expected.ReasonPhrase);
        Compare("reasonProtocol", expected.ReasonProtocol);
        Compare("reasonCause", expected.ReasonCause);
        Compare("localCause", expected.LocalCause);
        Compare("ringing", expected.Ringing);
        Compare("callId", placed.CallId);
        Present("postDialDelayMs", expected.Ringing);
        Present("ringDurationMs", expected.Ringing);
        if ((string?)stored["tags"]?["case"] != call.Name)
        {
            mismatches.Add($"{call.Name}: tags are {stored["tags"]?.ToJsonString()}, expected case={call.Name}");
        }

        return mismatches;
    }

    /// <summary>The driver's log lines (SIP.js's and the reporter's) of the calls that went wrong.</summary>
    private static string WhatSipJsSaid(List<string> mismatches, IReadOnlyList<string> driverLog)
    {
        var names = mismatches.Select(mismatch => mismatch.Split(':')[0]).Distinct();
        var lines = names.SelectMany(name => driverLog
            .Where(line => line.StartsWith($"[{name}]", StringComparison.Ordinal)).Take(30));
        return $"--- the driver's log of those calls\n{string.Join('\n', lines.Concat(
            driverLog.Where(line => line.StartsWith("[reporter]", StringComparison.Ordinal))))}\n";
    }

    /// <summary>The reason phrase of a capture's status line, as the peer sends it.</summary>
    private static string StatusPhrase(string file) =>
        SharedData.SipResponse(file).Split('\n')[0].TrimEnd('\r').Split(' ', 3)[2];

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    /// <param name="Peer">The SIPp the call is dialled to (the two that never send use the silent one).</param>
    /// <param name="Action">What the driver does: see clients/sipjs/test/integration/place-calls.mjs.</param>
    private sealed record PlannedCall(string Name, string Peer, string Action, Expected Expected,
        int? AfterMs = null, int? RingTimeoutMs = null);

    private sealed record Expected(int? SipCode, string ResponseClass, string? ReasonPhrase, string? ReasonProtocol,
        int? ReasonCause, string? LocalCause, bool Ringing);

    private sealed record PlacedCall(string? CallId, string? EventId);
}

/// <summary>
/// The SIP.js test in a collection of its own: it needs no shared fixture (its service and database are its own)
/// and spends most of its 40 s waiting on SIP.js's Timer B, which may as well overlap the other suites.
/// </summary>
[CollectionDefinition(Name)]
public sealed class SipJsSuite
{
    public const string Name = "sipjs";
}
