using System.Security.Cryptography;

namespace CallTracker.Api.Tests.SipJs;

/// <summary>
/// The reporter package in clients/sipjs, installed and built for the test, so that the README's one test
/// command covers it: `npm ci` when node_modules is missing or was installed from another package-lock.json,
/// then `npm run build` every time (the driver imports dist/, which must be the sources under test).
/// </summary>
public static class SipJsPackage
{
    private const string LockStamp = ".calltracker-package-lock.sha256";

    private static readonly TimeSpan InstallWithin = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan BuildWithin = TimeSpan.FromMinutes(2);

    /// <summary>The package folder: clients/sipjs of the repository the tests were built from.</summary>
    public static string Folder { get; } = Locate();

    public static string Driver => Path.Combine(Folder, "test", "integration", "place-calls.mjs");

    public static async Task PrepareAsync()
    {
        var modules = Path.Combine(Folder, "node_modules");
        var stamp = Path.Combine(modules, LockStamp);
        var lockHash = Convert.ToHexString(SHA256.HashData(await File.ReadAllBytesAsync(
            Path.Combine(Folder, "package-lock.json"))));
        if (!File.Exists(stamp) || await File.ReadAllTextAsync(stamp) != lockHash)
        {
            string[] install = ["ci", "--no-audit", "--no-fund"];
            await ToolProcess.RunAsync("npm ci", SipTools.Npm, install, Folder, InstallWithin);
            await File.WriteAllTextAsync(stamp, lockHash);
        }

        await ToolProcess.RunAsync("npm run build", SipTools.Npm, ["run", "build"], Folder, BuildWithin);
    }

    private static string Locate()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, "clients", "sipjs");
            if (File.Exists(Path.Combine(candidate, "package.json")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException(
            $"No clients/sipjs/package.json was found above {AppContext.BaseDirectory}.");
    }
}
