using System.Text.Json;
using System.Text.Json.Serialization;

namespace CallTracker.Benchmark;

/// <summary>Every figure of one run, printed as one table and written as JSON.</summary>
internal sealed class Results(Settings settings)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public string Machine { get; } =
        $"{Environment.ProcessorCount} cores, {CallTracker.Benchmark.Machine.Description()}";

    public DateTimeOffset RanAt { get; } = DateTimeOffset.UtcNow;

    public Settings Settings { get; } = settings;

    public double CopyRowsPerSecond { get; set; }

    public List<LoadSummary> Ingestion { get; } = [];

    public Verification? Verification { get; set; }

    public double SeedSeconds { get; set; }

    public List<ReportTiming> Reports { get; set; } = [];

    public double PeakServiceMemoryMb { get; set; }

    public void Add(string name, LoadResult result) => Ingestion.Add(new LoadSummary(
        name, result.EventsPerSecond, result.P50Ms, result.P99Ms, result.Requests, result.Events, result.Rejected,
        result.EventsPerSecond / CopyRowsPerSecond));

    public void Print(TextWriter output)
    {
        output.WriteLine();
        output.WriteLine($"Machine: {Machine}");
        output.WriteLine($"| measure | figure |");
        output.WriteLine($"|---|---|");
        output.WriteLine($"| binary COPY into call_events | {CopyRowsPerSecond:N0} rows/s |");
        foreach (var load in Ingestion)
        {
            output.WriteLine($"| {load.Name} | {load.EventsPerSecond:N0} events/s ({load.ShareOfCopy:P0} of COPY), " +
                $"p50 {load.P50Ms:F1} ms, p99 {load.P99Ms:F1} ms, {load.Rejected:N0} rejected |");
        }

        output.WriteLine($"| acknowledged events stored exactly once | {Verification?.Acknowledged:N0} checked, " +
            $"{Verification?.Missing:N0} missing, {Verification?.StoredTwice:N0} twice |");
        output.WriteLine($"| seeding {Settings.Events:N0} events through the writer | {SeedSeconds:N0} s " +
            $"({Settings.Events / Math.Max(SeedSeconds, 0.001):N0} events/s) |");
        output.WriteLine($"| service peak resident memory | {PeakServiceMemoryMb:N0} MB |");
        output.WriteLine();
        output.WriteLine("| report | range | p50 ms | p95 ms | plain GROUP BY p50 ms | p95 ms | faster |");
        output.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var report in Reports)
        {
            output.WriteLine($"| {report.Report} | {report.Range} | {report.P50Ms:F1} | {report.P95Ms:F1} | " +
                $"{report.PlainP50Ms:F1} | {report.PlainP95Ms:F1} | {report.Speedup:F1}x |");
        }
    }
}

/// <summary>One ingestion phase, as reported.</summary>
internal sealed record LoadSummary(
    string Name, double EventsPerSecond, double P50Ms, double P99Ms, long Requests, long Events, long Rejected,
    [property: JsonPropertyName("shareOfCopy")] double ShareOfCopy);
