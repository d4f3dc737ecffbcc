using System.Diagnostics;
using System.Net;
using System.Text;

namespace CallTracker.Benchmark;

/// <summary>What one load phase measured.</summary>
internal sealed record LoadResult(
    int Concurrency, int BatchSize, double Seconds, long Requests, long Events, long Rejected,
    double P50Ms, double P99Ms, List<Guid> Acknowledged)
{
    public double EventsPerSecond => Events / Seconds;
}

/// <summary>
/// Posts failed-call events as fast as N connections allow for a fixed time, each connection waiting for
/// its answer before the next request (closed loop), and keeps the ids of every event answered with 202.
/// </summary>
internal static class LoadGenerator
{
    private static readonly int[] Codes = [486, 480, 503, 404, 603, 408, 487, 500];

    public static async Task<LoadResult> RunAsync(ServiceProcess service, int concurrency, int batchSize, int seconds)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = concurrency };
        using var client = new HttpClient(handler)
        {
            BaseAddress = service.Address,
            Timeout = TimeSpan.FromSeconds(30),
        };
        client.DefaultRequestHeaders.Add("X-CallTracker-Key", ServiceProcess.IngestKey);

        var deadline = Stopwatch.GetTimestamp() + (long)(seconds * (double)Stopwatch.Frequency);
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency)
            .Select(worker => Task.Run(() => WorkAsync(client, worker, batchSize, deadline)))
            .ToList();
        var done = await Task.WhenAll(workers);
        var elapsed = clock.Elapsed.TotalSeconds;

        var latencies = done.SelectMany(worker => worker.Latencies).Order().ToList();
        return new LoadResult(
            concurrency, batchSize, elapsed,
            done.Sum(worker => worker.Latencies.Count),
            done.Sum(worker => (long)worker.Acknowledged.Count),
            done.Sum(worker => worker.Rejected),
            Percentile(latencies, 0.50), Percentile(latencies, 0.99),
            [.. done.SelectMany(worker => worker.Acknowledged)]);
    }

    private static async Task<Worker> WorkAsync(HttpClient client, int worker, int batchSize, long deadline)
    {
        var result = new Worker();
        var ids = new Guid[batchSize];
        var body = new StringBuilder();
        var sequence = 0;
        while (Stopwatch.GetTimestamp() < deadline)
        {
            body.Clear().Append('[');
            for (var index = 0; index < batchSize; index++)
            {
                ids[index] = Guid.NewGuid();
                var code = Codes[(sequence + index) % Codes.Length];
                body.Append(index == 0 ? "" : ",")
                    .Append("{\"eventId\":\"").Append(ids[index]).Append("\",\"occurredAt\":")
                    .Append(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()).Append(",\"sipCode\":").Append(code)
                    .Append(",\"agent\":\"agent-").Append(worker % 40).Append("\",\"trunk\":\"trunk-")
                    .Append(sequence % 4).Append("\",\"phoneNumber\":\"09").Append(10_000_000 + sequence % 89_999_999)
                    .Append("\",\"headers\":{\"Reason\":\"Q.850;cause=").Append(code == 480 ? 18 : 17).Append("\"}}");
            }

            body.Append(']');
            sequence += batchSize;

            var started = Stopwatch.GetTimestamp();
            using var content = new StringContent(body.ToString(), Encoding.UTF8, "application/json");
            using var response = await client.PostAsync("/api/v1/events", content);
            result.Latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                result.Acknowledged.AddRange(ids);
            }
            else
            {
                result.Rejected += batchSize;
            }
        }

        return result;
    }

    public static double Percentile(IReadOnlyList<double> sorted, double fraction) =>
        sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(fraction * sorted.Count) - 1)];

    private sealed class Worker
    {
        public List<double> Latencies { get; } = [];

        public List<Guid> Acknowledged { get; } = [];

        public long Rejected { get; set; }
    }
}
