using System.Collections.Concurrent;
using CallTracker.Sip;
using CallTracker.Storage;
using CallTracker.Storage.Entities;
using Npgsql;

namespace CallTracker.Benchmark;

/// <summary>
/// Stores millions of events over the last 30 days through the service's own writer (the same statement,
/// id claims, issues and rollups), in large batches from two writers, oldest first: the fast way in that
/// changes nothing.
/// </summary>
internal static class Seeder
{
    private const int BatchSize = 2000;

    // A call centre's mix: code, Q.850 cause, outcome, share in a thousand; the rest (~45 %) is answered.
    private static readonly (int? Code, int? Cause, string Outcome, int PerMille)[] Mix =
    [
        (486, 17, Outcome.Busy, 120), (480, 18, Outcome.NoAnswer, 90), (480, 20, Outcome.Unreachable, 80),
        (404, 1, Outcome.InvalidNumber, 50), (603, 21, Outcome.Declined, 40), (503, 34, Outcome.NetworkError, 40),
        (487, null, Outcome.Cancelled, 60), (408, null, Outcome.NoAnswer, 30), (null, null, Outcome.NoResponse, 20),
        (500, null, Outcome.NetworkError, 10), (403, null, Outcome.ConfigurationError, 5),
        (488, null, Outcome.MediaError, 5),
    ];

    private static readonly string[] Carriers = ["Viettel", "MobiFone", "Vinaphone", "Vietnamobile"];

    public static async Task SeedAsync(string connectionString, int project, long events)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var writer = new EventWriter(dataSource);
        var fingerprints = new ConcurrentDictionary<(int?, int?, string, string), string>();
        var now = DateTimeOffset.UtcNow.AddMinutes(-1);
        var span = TimeSpan.FromDays(30).Ticks;
        long next = 0;
        var reported = 0L;

        async Task WriteAsync(int worker)
        {
            var random = new Random(worker);
            var batch = new List<CallEvent>(BatchSize);
            while (true)
            {
                var start = Interlocked.Add(ref next, BatchSize) - BatchSize;
                if (start >= events)
                {
                    return;
                }

                // In time order, oldest first, a few minutes of calls per batch: as a call centre's events
                // arrive, so that a batch touches the rollup rows of one hour, not of every hour of the month.
                batch.Clear();
                for (var index = start; index < Math.Min(events, start + BatchSize); index++)
                {
                    var occurredAt = now.AddTicks(-span + span / events * index + random.NextInt64(span / events));
                    batch.Add(Event(project, index, occurredAt, random, fingerprints));
                }

                await writer.WriteAsync(batch, [], CancellationToken.None);
                var done = Math.Min(events, start + BatchSize);
                if (done / 1_000_000 > Interlocked.Read(ref reported))
                {
                    Interlocked.Exchange(ref reported, done / 1_000_000);
                    Console.WriteLine($"  {done:N0} events stored");
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, 2).Select(worker => Task.Run(() => WriteAsync(worker))));
    }

    private static CallEvent Event(
        int project, long index, DateTimeOffset occurredAt, Random random,
        ConcurrentDictionary<(int?, int?, string, string), string> fingerprints)
    {
        var pick = random.Next(1000);
        (int? Code, int? Cause, string Outcome, int PerMille) kind = (200, null, Outcome.Answered, 0);
        foreach (var entry in Mix)
        {
            if (pick < entry.PerMille)
            {
                kind = entry;
                break;
            }

            pick -= entry.PerMille;
        }

        var trunk = $"trunk-{index % 4}";
        var answered = kind.Outcome == Outcome.Answered;
        return new CallEvent
        {
            ProjectId = project,
            EventId = Guid.NewGuid(),
            OccurredAt = occurredAt,
            ReceivedAt = occurredAt,
            SipCode = kind.Code,
            ResponseClass = ResponseClass.Of(kind.Code),
            LocalCause = kind.Code is null ? LocalCauses.TransportError : null,
            Outcome = kind.Outcome,
            OutcomeBasis = kind.Cause is null ? "code" : "q850",
            Q850Cause = kind.Cause,
            Reasons = kind.Cause is { } cause ? $$"""[{"protocol":"Q.850","cause":{{cause}}}]""" : "[]",
            Headers = kind.Cause is { } header ? $$"""[{"name":"Reason","value":"Q.850;cause={{header}}"}]""" : "[]",
            Agent = $"agent-{index % 50}",
            Trunk = trunk,
            Direction = "outbound",
            PhoneNumber = $"09{10_000_000 + index % 89_999_999}",
            PhoneE164 = $"+849{10_000_000 + index % 89_999_999}",
            PhoneRegion = "VN",
            PhoneCarrier = Carriers[index % Carriers.Length],
            PhoneValid = true,
            Tags = $$"""{"campaign":"c{{index % 10}}"}""",
            Fingerprint = answered ? null : fingerprints.GetOrAdd((kind.Code, kind.Cause, kind.Outcome, trunk),
                key => IssueFingerprint.Hash(IssueFingerprint.DefaultParts(key.Item1, LocalCauses.TransportError,
                    key.Item2, key.Item3, key.Item4))),
            IssueTitle = answered ? null : IssueFingerprint.Title(kind.Code, kind.Cause, LocalCauses.TransportError),
        };
    }
}
