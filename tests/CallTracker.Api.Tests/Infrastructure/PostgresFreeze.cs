using System.Diagnostics;
using System.Globalization;

namespace CallTracker.Api.Tests.Infrastructure;

/// <summary>
/// Stops every process of a PostgreSQL server with SIGSTOP and lets them go on with SIGCONT: a server that
/// hangs rather than refuses, as one does behind a lost network or on a machine that stalls. Connections
/// are still accepted by the kernel, and nothing answers them.
/// </summary>
public sealed class PostgresFreeze : IDisposable
{
    private readonly List<int> frozen = [];

    private PostgresFreeze()
    {
    }

    /// <param name="dataDirectory">The cluster's folder, which holds postmaster.pid.</param>
    public static PostgresFreeze Start(string dataDirectory)
    {
        var freeze = new PostgresFreeze();

        // The postmaster first, so that it forks no backend the list below would miss.
        var postmaster = int.Parse(File.ReadLines(Path.Combine(dataDirectory, "postmaster.pid")).First(),
            CultureInfo.InvariantCulture);
        freeze.Signal("-STOP", [postmaster]);
        var children = File.ReadAllText($"/proc/{postmaster}/task/{postmaster}/children")
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(pid => int.Parse(pid, CultureInfo.InvariantCulture)).ToList();
        freeze.Signal("-STOP", children);
        return freeze;
    }

    public void Dispose()
    {
        Signal("-CONT", [.. frozen]);
        frozen.Clear();
    }

    private void Signal(string signal, List<int> pids)
    {
        if (pids.Count == 0)
        {
            return;
        }

        var arguments = pids.Select(pid => pid.ToString(CultureInfo.InvariantCulture)).Prepend(signal);
        using var kill = Process.Start("kill", arguments);
        kill.WaitForExit();
        if (signal == "-STOP")
        {
            frozen.AddRange(pids);
        }
    }
}
