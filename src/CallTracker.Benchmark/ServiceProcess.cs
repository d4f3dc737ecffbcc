using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace CallTracker.Benchmark;

/// <summary>
/// The service as an operator runs it: <c>dotnet run -c Release</c> of src/CallTracker.Api in Production,
/// given a connection string, with the log at Warning (a line per request is not what a busy service
/// should pay for). Stopped with SIGTERM, like a container.
/// </summary>
internal sealed class ServiceProcess : IAsyncDisposable
{
    public const string IngestKey = "0123456789abcdef0123456789abcdef";
    public const string ApiToken = "ctk_benchmark-token-0123456789abcdef";

    private readonly Process process;

    private ServiceProcess(Process process, Uri address)
    {
        this.process = process;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<ServiceProcess> StartAsync(string connectionString, Settings settings)
    {
        var root = RepositoryRoot();
        var build = Process.Start(new ProcessStartInfo("dotnet",
            ["build", "-c", "Release", "-v", "q", Path.Combine(root, "src", "CallTracker.Api")]))!;
        await build.WaitForExitAsync();
        if (build.ExitCode != 0)
        {
            throw new InvalidOperationException("The service did not build.");
        }

        var port = FreePort();
        var start = new ProcessStartInfo("dotnet",
            ["run", "--no-build", "--no-launch-profile", "-c", "Release", "--project",
                Path.Combine(root, "src", "CallTracker.Api")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["ConnectionStrings__CallTracker"] = connectionString;
        start.Environment["CallTracker__Bootstrap__IngestKey"] = IngestKey;
        start.Environment["CallTracker__Bootstrap__ApiToken"] = ApiToken;
        start.Environment["Serilog__MinimumLevel__Default"] = "Warning";

        // The load drives one key far past the default 6,000 events per minute: measure the service, not it.
        start.Environment["CallTracker__Limits__EventsPerMinutePerKey"] = "0";
        start.Environment["Serilog__MinimumLevel__Override__Microsoft.Hosting.Lifetime"] = "Warning";

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, line) => Echo(line.Data);
        process.ErrorDataReceived += (_, line) => Echo(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var service = new ServiceProcess(process, new Uri($"http://127.0.0.1:{port}"));
        await service.WaitUntilReadyAsync();
        return service;
    }

    /// <summary>Peak resident memory of the service (VmHWM), found as the child of <c>dotnet run</c>.</summary>
    public double PeakResidentMegabytes()
    {
        var pid = ServicePid();
        var line = File.ReadLines($"/proc/{pid}/status")
            .First(text => text.StartsWith("VmHWM:", StringComparison.Ordinal));
        var kilobytes = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1],
            System.Globalization.CultureInfo.InvariantCulture);
        return kilobytes / 1024.0;
    }

    private Task? stopping;

    /// <summary>Stops the service; callers at once (an interrupt and the end of the run) share one stop.</summary>
    public ValueTask DisposeAsync()
    {
        lock (this)
        {
            stopping ??= StopAsync();
        }

        return new ValueTask(stopping);
    }

    private async Task StopAsync()
    {
        if (!process.HasExited)
        {
            // SIGTERM to the service itself: it drains its queue and stops; dotnet run then exits too.
            Process.Start("kill", ["-TERM", ServicePid().ToString(System.Globalization.CultureInfo.InvariantCulture)])
                .WaitForExit();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        process.Dispose();
    }

    private int ServicePid()
    {
        var children = File.ReadAllText($"/proc/{process.Id}/task/{process.Id}/children").Trim();
        return children.Length == 0 ? process.Id : int.Parse(children.Split(' ')[0],
            System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task WaitUntilReadyAsync()
    {
        using var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
        for (var attempt = 0; attempt < 240; attempt++)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The service exited with {process.ExitCode}.");
            }

            try
            {
                if ((await client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(500);
        }

        throw new TimeoutException("The service did not become ready in two minutes.");
    }

    private static void Echo(string? line)
    {
        if (!string.IsNullOrEmpty(line))
        {
            Console.WriteLine($"  service: {line}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null;
             directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "CallTracker.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Run the benchmark from the repository (CallTracker.sln not found).");
    }
}

/// <summary>What the machine is, for the record.</summary>
internal static class Machine
{
    public static string Description()
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo")
                .FirstOrDefault(line => line.StartsWith("model name", StringComparison.Ordinal))
                ?.Split(':', 2)[1].Trim()
            : null;
        var memory = File.Exists("/proc/meminfo")
            ? File.ReadLines("/proc/meminfo").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]
            : "0";
        var gigabytes = long.Parse(memory, System.Globalization.CultureInfo.InvariantCulture) / 1024.0 / 1024.0;
        return $"{cpu ?? "unknown CPU"}, {gigabytes:F0} GiB, .NET {Environment.Version}";
    }
}
