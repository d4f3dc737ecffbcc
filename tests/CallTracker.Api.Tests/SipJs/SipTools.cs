using CallTracker.Api.Tests.Infrastructure;

namespace CallTracker.Api.Tests.SipJs;

/// <summary>
/// The programs the SIP.js integration test needs from the machine. CI sets
/// <see cref="NodePackage.RequireVariable"/> so that a missing one fails the run; elsewhere the test is skipped with
/// what to install.
/// </summary>
public static class SipTools
{
    private static readonly Lazy<string?> Missing = new(FindMissing);

    public static bool Required => NodePackage.Required;

    /// <summary>What to install, or null when everything is there.</summary>
    public static string? MissingMessage => Missing.Value;

    /// <summary>The Chromium the page driver runs (CHROMIUM, else Debian's), or null when there is none.</summary>
    public static string? Chromium =>
        new[] { Environment.GetEnvironmentVariable("CHROMIUM"), "/usr/bin/chromium" }.FirstOrDefault(File.Exists);

    public static string? ChromiumMissingMessage => Chromium is null
        ? "The SIP.js integration test's page driver needs Chromium (Debian: chromium; or set CHROMIUM)."
        : null;

    public static string Kamailio => Find("kamailio") ?? "kamailio";

    public static string Sipp => Find("sipp") ?? "sipp";

    public static string Node => Find("node") ?? "node";

    /// <summary>Fails a test run by CI (or with the variable set) when a tool is missing.</summary>
    public static void EnsureInstalled(bool chromium)
    {
        if ((MissingMessage ?? (chromium ? ChromiumMissingMessage : null)) is { } missing)
        {
            throw new InvalidOperationException(missing);
        }
    }

    private static string? FindMissing()
    {
        var missing = new List<string>();
        if (Find("kamailio") is null)
        {
            missing.Add("kamailio (Debian: kamailio)");
        }
        else if (!WebSocketModuleInstalled())
        {
            missing.Add("Kamailio's WebSocket module (Debian: kamailio-websocket-modules)");
        }

        if (Find("sipp") is null)
        {
            missing.Add("SIPp (Debian: sip-tester)");
        }

        if (NodePackage.Missing is not null)
        {
            missing.Add("Node.js 20 or later with npm");
        }

        return missing.Count == 0
            ? null
            : $"The SIP.js integration test needs {string.Join(", ", missing)} "
                + "(`bash .ci/run` installs Kamailio and SIPp as root).";
    }

    /// <summary>Debian's module folder is /usr/lib/&lt;multiarch triplet&gt;/kamailio/modules.</summary>
    private static bool WebSocketModuleInstalled() =>
        Directory.Exists("/usr/lib")
        && Directory.EnumerateDirectories("/usr/lib").Append("/usr/lib")
            .Any(folder => File.Exists(Path.Combine(folder, "kamailio", "modules", "websocket.so")));

    /// <summary>The program on PATH, or in /usr/sbin where Debian puts kamailio (off a normal user's PATH).</summary>
    private static string? Find(string program)
    {
        var folders = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Append("/usr/sbin").Append("/usr/local/sbin");
        return folders.Where(folder => folder.Length > 0)
            .Select(folder => Path.Combine(folder, program))
            .FirstOrDefault(File.Exists);
    }
}

/// <summary>
/// A test that runs only where Kamailio, SIPp and Node are installed, or where CI requires it (then a missing
/// tool fails the test instead): xunit 2 cannot skip from inside a test.
/// </summary>
public sealed class SipFactAttribute : FactAttribute
{
    /// <param name="chromium">The test also needs Chromium (the page driver).</param>
    public SipFactAttribute(bool chromium = false)
    {
        var missing = SipTools.MissingMessage ?? (chromium ? SipTools.ChromiumMissingMessage : null);
        if (missing is not null && !SipTools.Required)
        {
            Skip = missing;
        }
    }
}
