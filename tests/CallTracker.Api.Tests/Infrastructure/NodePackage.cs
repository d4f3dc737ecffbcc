using System.Diagnostics;
using System.Text;

namespace CallTracker.Api.Tests.Infrastructure;

/// <summary>
/// The SIP.js reporter's package (clients/sipjs), prepared once per test run: its dependencies installed from
/// its lock file (npm ci) when missing or older than the lock, then built. Node.js and npm come from the
/// machine; when they are missing the tests that need them skip, unless CALLTRACKER_REQUIRE_SIP_TESTS=1 (set by
/// .ci/run) makes that a failure.
/// </summary>
public static class NodePackage
{
    public const string RequireVariable = "CALLTRACKER_REQUIRE_SIP_TESTS";

    private static readonly Lazy<Task> Prepared = new(PrepareAsync);

    /// <summary>clients/sipjs in the repository the tests were built from.</summary>
    public static string Root { get; } = Path.Combine(RepositoryRoot(), "clients", "sipjs");

    /// <summary>Why the tests that need Node.js cannot run here; null when they can.</summary>
    public static string? Missing { get; } = OnPath("node") && OnPath("npm")
        ? null
        : "Node.js 20+ and npm are needed for the SIP.js reporter's tests (Debian: apt-get install nodejs npm).";

    /// <summary>Whether a missing tool skips the test (a developer's machine) or fails it (CI).</summary>
    public static bool Required => Environment.GetEnvironmentVariable(RequireVariable) == "1";

    public static Task EnsureBuiltAsync() => Prepared.Value;

    /// <summary>Runs a command in the package's folder; its exit code and everything it wrote.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(
        string command, IEnumerable<string> arguments, TimeSpan within, IDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(command, arguments)
        {
            WorkingDirectory = Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["NO_COLOR"] = "1";
        start.Environment["CI"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{command} did not start");
        var output = new StringBuilder();
        process.OutputDataReceived += (_, line) => Append(output, line.Data);
        process.ErrorDataReceived += (_, line) => Append(output, line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var timeout = new CancellationTokenSource(within);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Append(output, $"(stopped: still running after {within})");
            return (-1, output.ToString());
        }

        process.WaitForExit(); // the last lines of output
        return (process.ExitCode, output.ToString());
    }

    private static async Task PrepareAsync()
    {
        var modules = Path.Combine(Root, "node_modules", ".package-lock.json");
        var lockFile = Path.Combine(Root, "package-lock.json");
        if (!File.Exists(modules) || File.GetLastWriteTimeUtc(modules) < File.GetLastWriteTimeUtc(lockFile))
        {
            var install = await RunAsync("npm", ["ci", "--no-audit", "--no-fund"], TimeSpan.FromMinutes(5));
            if (install.ExitCode != 0)
            {
                throw new InvalidOperationException($"npm ci failed in {Root}:\n{install.Output}");
            }
        }

        var build = await RunAsync("npm", ["run", "build"], TimeSpan.FromMinutes(2));
        if (build.ExitCode != 0)
        {
            throw new InvalidOperationException($"npm run build failed in {Root}:\n{build.Output}");
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Any(folder => File.Exists(Path.Combine(folder, tool)));

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "CallTracker.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No CallTracker.sln above {AppContext.BaseDirectory}");
    }
}

/// <summary>A theory that needs Node.js: skipped with the reason when it is missing, unless CI requires it.</summary>
public sealed class NodeTheoryAttribute : TheoryAttribute
{
    public NodeTheoryAttribute()
    {
        if (NodePackage.Missing is { } missing && !NodePackage.Required)
        {
            Skip = missing;
        }
    }
}
