namespace CallTracker.Api.Tests.Infrastructure;

/// <summary>The captured SIP responses in ../shared/data beside the repository.</summary>
public static class SharedData
{
    public static string Directory { get; } = Locate();

    public static string SipResponses => Path.Combine(Directory, "sip-responses");

    /// <summary>Each file's text exactly as captured (CRLF line endings kept).</summary>
    public static string SipResponse(string file) => File.ReadAllText(Path.Combine(SipResponses, file));

    public static IEnumerable<string> SipResponseFiles() =>
        System.IO.Directory.GetFiles(SipResponses, "*.sip").Select(Path.GetFileName).Order()!;

    private static string Locate()
    {
        if (Environment.GetEnvironmentVariable("CALLTRACKER_SHARED_DATA") is { Length: > 0 } configured)
        {
            return configured;
        }

        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, "shared", "data");
            if (System.IO.Directory.Exists(Path.Combine(candidate, "sip-responses")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException(
            "../shared/data was not found above the test binaries; set CALLTRACKER_SHARED_DATA to its path.");
    }
}
