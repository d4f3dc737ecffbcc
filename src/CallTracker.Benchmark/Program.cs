using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using CallTracker.Benchmark;
using CallTracker.Storage.LocalServer;

// The benchmark of docs/PERFORMANCE.md. One machine, one run, one table:
//   dotnet run -c Release --project src/CallTracker.Benchmark -- [--events 10000000] [--seconds 20]
//       [--report-runs 20] [--plain-runs 5] [--out docs/benchmark-results.json]
// It starts its own PostgreSQL (the service's private-server code) and the service (its Release build, as
// `dotnet run` would), and drives them from this process, never from inside the service.

var settings = Settings.Parse(args);
var results = new Results(settings);
var directory = Path.Combine(Path.GetTempPath(), $"calltracker-bench-{Guid.NewGuid():N}");

Console.WriteLine($"CallTracker benchmark: {Environment.ProcessorCount} cores, {Machine.Description()}");
Console.WriteLine("Starting PostgreSQL ...");
await using var postgres = await LocalPostgresServer.StartAsync(
    new LocalPostgresOptions { Directory = directory, Ephemeral = true });

Console.WriteLine("Starting the service (Release) ...");
await using var service = await ServiceProcess.StartAsync(postgres.ConnectionString, settings);

// Interrupted (Ctrl+C, kill): stop the service and PostgreSQL this run started before exiting, rather than
// leaving them running with a throwaway folder behind.
// Once: `dotnet run` passes the signal on, so the benchmark may get it twice.
var stopping = 0;
void StopEverything(PosixSignalContext context)
{
    context.Cancel = true;
    if (Interlocked.Exchange(ref stopping, 1) == 1)
    {
        return;
    }

    Console.WriteLine("Interrupted: stopping the service and PostgreSQL ...");
    service.DisposeAsync().AsTask().GetAwaiter().GetResult();
    postgres.DisposeAsync().AsTask().GetAwaiter().GetResult();
    Environment.Exit(130);
}

using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, StopEverything);
using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, StopEverything);
var project = await Database.FirstProjectAsync(postgres.ConnectionString);

// 1. The raw limit: binary COPY of the same rows straight into the same table.
Console.WriteLine("Measuring binary COPY ...");
results.CopyRowsPerSecond = await Database.MeasureCopyAsync(postgres.ConnectionString, project, settings.CopyRows);

// 2. Ingestion through HTTP, from this process: single events, then batches of 100.
Console.WriteLine($"Single events, 64 connections, {settings.Seconds} s ...");
var single = await LoadGenerator.RunAsync(service, concurrency: 64, batchSize: 1, settings.Seconds);
results.Add("single events, 64 connections", single);

Console.WriteLine($"Batches of 100, 16 connections, {settings.Seconds} s ...");
var batched = await LoadGenerator.RunAsync(service, concurrency: 16, batchSize: 100, settings.Seconds);
results.Add("batches of 100, 16 connections", batched);

// 3. Every acknowledged event id stored exactly once.
Console.WriteLine("Checking every acknowledged event ...");
results.Verification = await Database.VerifyAsync(
    postgres.ConnectionString, project, [.. single.Acknowledged, .. batched.Acknowledged]);

// 4. Ten million events through the same writer and rollups, over the last 30 days.
Console.WriteLine($"Seeding {settings.Events:N0} events through the writer ...");
var seeding = Stopwatch.StartNew();
await Seeder.SeedAsync(postgres.ConnectionString, project, settings.Events);
results.SeedSeconds = seeding.Elapsed.TotalSeconds;
await Database.AnalyzeAsync(postgres.ConnectionString);

// 5. Each report over 1 day and 30 days, beside a plain GROUP BY over the events.
Console.WriteLine("Timing the reports ...");
results.Reports = await ReportTimer.RunAsync(service, postgres.ConnectionString, project, settings);
results.PeakServiceMemoryMb = service.PeakResidentMegabytes();

// 6. One table, and the same as JSON.
results.Print(Console.Out);
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(settings.Output))!);
await File.WriteAllTextAsync(settings.Output, JsonSerializer.Serialize(results, Results.Json));
Console.WriteLine($"Written to {settings.Output}");

/// <summary>The command line, with defaults that make the documented run.</summary>
internal sealed record Settings(
    long Events, int Seconds, int ReportRuns, int PlainRuns, int CopyRows, string Output)
{
    public static Settings Parse(string[] args)
    {
        string Value(string name, string fallback)
        {
            var index = Array.IndexOf(args, name);
            return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
        }

        return new Settings(
            long.Parse(Value("--events", "10000000"), CultureInfo.InvariantCulture),
            int.Parse(Value("--seconds", "20"), CultureInfo.InvariantCulture),
            int.Parse(Value("--report-runs", "20"), CultureInfo.InvariantCulture),
            int.Parse(Value("--plain-runs", "5"), CultureInfo.InvariantCulture),
            int.Parse(Value("--copy-rows", "200000"), CultureInfo.InvariantCulture),
            Value("--out", "docs/benchmark-results.json"));
    }
}
