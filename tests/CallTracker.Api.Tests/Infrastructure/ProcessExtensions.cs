using System.Diagnostics;

namespace CallTracker.Api.Tests.Infrastructure;

public static class ProcessExtensions
{
    /// <summary>The exit code, or null when the process is still running after the time given.</summary>
    public static async Task<int?> ExitCodeWithinAsync(this Process process, TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
            return process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }
}
