using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace CallTracker.Api.Tests.Infrastructure;

/// <summary>
/// The service as a real process: the built CallTracker.Api.dll, which the build copies beside the tests
/// since they reference it, run by <c>dotnet</c> in Production on a loopback port. A test can kill it,
/// stop it with SIGTERM and start it again, which an in-process host cannot stand for.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    public const string IngestKey = "0f1e2d3c4b5a69780f1e2d3c4b5a6978";
    public const string ApiToken = "ctk_fault-tests-token-long-enough";

    private static readonly TimeSpan ReadyWithin = TimeSpan.FromSeconds(60);

    private readonly Process process;
    private readonly ConcurrentQueue<string> output = new();
    private bool disposed;

    private ServiceProcess(Process process, int port)
    {
        this.process = process;
        Port = port;
        Address = new Uri($"http://127.0.0.1:{port}");
    }

    public Uri Address { get; }

    public int Port { get; }

    /// <summary>The last lines the service wrote (the log at Warning and above), for a failure message.</summary>
    public string OutputTail => string.Join('\n', output.TakeLast(40));

    /// <summary>Starts the service on the database and waits until /health/ready answers 200.</summary>
    /// <param name="port">A port to listen on (the one of a service that was killed), or a free one.</param>
    /// <param name="settings">More settings, as environment variables (<c>CallTracker__Ingestion__...</c>).</param>
    public static async Task<ServiceProcess> StartAsync(
        string connectionString, int? port = null, IReadOnlyDictionary<string, string>? settings = null)
    {
        var listenOn = port ?? FreeLoopbackPort();
        var start = new ProcessStartInfo(DotnetHost(), [Path.Combine(AppContext.BaseDirectory, "CallTracker.Api.dll")])
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{listenOn}";
        start.Environment["ConnectionStrings__CallTracker"] = connectionString;
        start.Environment["CallTracker__Bootstrap__IngestKey"] = IngestKey;
        start.Environment["CallTracker__Bootstrap__ApiToken"] = ApiToken;

        // The load sends one key past the default rate; the faults are what is under test, not the limit.
        start.Environment["CallTracker__Limits__EventsPerMinutePerKey"] = "0";

        // A line per request would be thousands of lines to pipe through the test; warnings say what matters.
        start.Environment["Serilog__MinimumLevel__Default"] = "Warning";
        start.Environment["Serilog__MinimumLevel__Override__Microsoft.Hosting.Lifetime"] = "Information";
        foreach (var (name, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var service = new ServiceProcess(Process.Start(start)!, listenOn);
        service.process.OutputDataReceived += (_, line) => service.Keep(line.Data);
        service.process.ErrorDataReceived += (_, line) => service.Keep(line.Data);
        service.process.BeginOutputReadLine();
        service.process.BeginErrorReadLine();

        try
        {
            await service.WaitUntilReadyAsync();
        }
        catch
        {
            await service.DisposeAsync();
            throw;
        }

        return service;
    }

    /// <summary>SIGKILL: the process ends at once, with no chance to drain or answer anything.</summary>
    public async Task KillAsync()
    {
        process.Kill();
        await process.WaitForExitAsync();
    }

    /// <summary>SIGTERM, as a container runtime or systemd stops a service.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>The exit code, or null when the process has not exited within the time given.</summary>
    public Task<int?> WaitForExitAsync(TimeSpan within) => process.ExitCodeWithinAsync(within);

    public async ValueTask DisposeAsync()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }

    private void Keep(string? line)
    {
        if (string.IsNullOrEmpty(line))
        {
            return;
        }

        output.Enqueue(line);
        while (output.Count > 400)
        {
            output.TryDequeue(out _);
        }
    }

    private async Task WaitUntilReadyAsync()
    {
        using var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < ReadyWithin)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException(
                    $"The service exited with {process.ExitCode} before it was ready:\n{OutputTail}");
            }

            try
            {
                using var ready = await client.GetAsync("/health/ready");
                if (ready.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"The service was not ready within {ReadyWithin.TotalSeconds} s:\n{OutputTail}");
    }

    /// <summary>The dotnet host running the tests (the SDK names it for its children), else the one on PATH.</summary>
    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)
            ? host
            : "dotnet";

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
