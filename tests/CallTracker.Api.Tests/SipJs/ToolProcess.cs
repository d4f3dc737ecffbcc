using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using CallTracker.Api.Tests.Infrastructure;

namespace CallTracker.Api.Tests.SipJs;

/// <summary>
/// A tool the SIP.js test runs (Kamailio, SIPp, node, npm) with its output kept for a failure message and its
/// whole process tree killed on dispose, so that no failed run leaves a proxy or a peer behind.
/// </summary>
public sealed class ToolProcess : IAsyncDisposable
{
    private static readonly TimeSpan TerminateWithin = TimeSpan.FromSeconds(5);

    private readonly Process process;
    private readonly ConcurrentQueue<string> stdout = new();
    private readonly ConcurrentQueue<string> stderr = new();
    private bool disposed;

    private readonly bool stdoutIsScreen;

    private ToolProcess(string name, Process process, bool stdoutIsScreen)
    {
        Name = name;
        this.process = process;
        this.stdoutIsScreen = stdoutIsScreen;
    }

    public string Name { get; }

    public bool HasExited => process.HasExited;

    /// <summary>Every line written to stdout, in order (the driver's result is one of them).</summary>
    public IReadOnlyList<string> Output => [.. stdout];

    /// <summary>The last lines of both streams, for a failure message.</summary>
    public string Tail(int lines = 30) =>
        Section("stderr", stderr, lines) + (stdoutIsScreen ? "" : Section("stdout", stdout, lines));

    /// <summary>Every line written to stderr, in order.</summary>
    public IReadOnlyList<string> Errors => [.. stderr];

    private string Section(string stream, ConcurrentQueue<string> lines, int count) =>
        lines.IsEmpty ? "" : $"--- {Name} ({stream})\n{string.Join('\n', lines.TakeLast(count))}\n";

    /// <param name="stdoutIsScreen">Leaves stdout out of <see cref="Tail"/>: SIPp redraws its statistics there.</param>
    public static ToolProcess Start(string name, string file, IEnumerable<string> arguments,
        string? workingDirectory = null, bool stdoutIsScreen = false)
    {
        var start = new ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        var tool = new ToolProcess(name, Process.Start(start)!, stdoutIsScreen);
        tool.process.OutputDataReceived += (_, line) => Keep(tool.stdout, line.Data);
        tool.process.ErrorDataReceived += (_, line) => Keep(tool.stderr, line.Data);
        tool.process.BeginOutputReadLine();
        tool.process.BeginErrorReadLine();
        return tool;
    }

    /// <summary>The exit code, or null when the process is still running after the time given.</summary>
    public Task<int?> WaitForExitAsync(TimeSpan within) => process.ExitCodeWithinAsync(within);

    public async ValueTask DisposeAsync()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        try
        {
            // SIGTERM first: Kamailio then stops and reaps its own children. Killed as a tree, they would be
            // left to an init that, in a container, may never reap them.
            if (!process.HasExited)
            {
                var id = process.Id.ToString(CultureInfo.InvariantCulture);
                using var terminate = Process.Start("kill", ["-TERM", id]);
                await terminate.WaitForExitAsync();
            }

            if (await WaitForExitAsync(TerminateWithin) is null)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the signal.
        }

        process.Dispose();
    }

    private static void Keep(ConcurrentQueue<string> lines, string? line)
    {
        if (line is null)
        {
            return;
        }

        lines.Enqueue(line);

        // Kamailio at debug level can write thousands of lines; the last ones say what went wrong.
        while (lines.Count > 2000)
        {
            lines.TryDequeue(out _);
        }
    }
}
