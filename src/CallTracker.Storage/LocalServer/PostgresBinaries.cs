using System.Diagnostics;

namespace CallTracker.Storage.LocalServer;

/// <summary>Finds the PostgreSQL server programs (initdb, pg_ctl) installed on this machine.</summary>
public static class PostgresBinaries
{
    public const string InstallHint =
        "Install PostgreSQL's server package (Debian/Ubuntu: 'apt-get install postgresql'; Fedora: " +
        "'dnf install postgresql-server'; macOS: 'brew install postgresql'), or point " +
        "CALLTRACKER_PG_BIN at the folder that holds initdb and pg_ctl.";

    /// <summary>The folder holding initdb and pg_ctl; throws with install instructions if there is none.</summary>
    public static string Locate(string? configured = null)
    {
        var candidates = new List<string>();
        if (!string.IsNullOrWhiteSpace(configured))
        {
            candidates.Add(configured);
        }

        if (Environment.GetEnvironmentVariable("CALLTRACKER_PG_BIN") is { Length: > 0 } fromEnvironment)
        {
            candidates.Add(fromEnvironment);
        }

        // Debian keeps the server programs off PATH, one folder per major version: prefer the newest.
        if (Directory.Exists("/usr/lib/postgresql"))
        {
            candidates.AddRange(Directory.GetDirectories("/usr/lib/postgresql")
                .OrderByDescending(folder => int.TryParse(Path.GetFileName(folder), out var major) ? major : 0)
                .Select(folder => Path.Combine(folder, "bin")));
        }

        candidates.AddRange(["/usr/pgsql/bin", "/opt/homebrew/bin", "/usr/local/pgsql/bin"]);
        candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator));

        return FirstWithServerPrograms(candidates);
    }

    /// <summary>The first folder holding initdb and pg_ctl; throws with install instructions if none does.</summary>
    public static string FirstWithServerPrograms(IEnumerable<string> folders) =>
        folders.FirstOrDefault(folder => folder.Length > 0
            && File.Exists(Path.Combine(folder, "initdb")) && File.Exists(Path.Combine(folder, "pg_ctl")))
        ?? throw new InvalidOperationException(
            "No PostgreSQL server programs (initdb, pg_ctl) were found on this machine. " + InstallHint);

    /// <summary>Runs a program to completion and returns its output; throws with that output on failure.</summary>
    internal static async Task<string> RunAsync(
        string program, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var (exitCode, text) = await TryRunAsync(program, arguments, timeout, cancellationToken);
        if (exitCode != 0)
        {
            throw new InvalidOperationException(
                $"{Path.GetFileName(program)} {string.Join(' ', arguments)} failed (exit code {exitCode}): {text}");
        }

        return text;
    }

    /// <summary>Runs a program to completion and returns its exit code and output.</summary>
    internal static async Task<(int ExitCode, string Output)> TryRunAsync(
        string program, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)
            ?? throw new InvalidOperationException($"Could not start {program}.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(program)} did not finish within {timeout.TotalSeconds} s.");
        }

        return (process.ExitCode, (await output + await errors).Trim());
    }
}
