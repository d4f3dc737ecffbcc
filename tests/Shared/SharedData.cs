using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CallTracker.Testing;

/// <summary>
/// One row of <c>sip-responses/INDEX.tsv</c>; an empty protocol and cause mean the file has no Reason.
/// </summary>
public sealed record IndexRow(string File, int Code, string Class, string ReasonProtocol, string ReasonCause);

/// <summary>The captured SIP responses in <c>shared/data/sip-responses</c> beside the repository.</summary>
public static class SharedData
{
    private const string EnvironmentVariable = "CALLTRACKER_SHARED_DATA";
    private const string IndexHeader = "file\tsip_code\tclass\treason_protocol\treason_cause";

    private static readonly Lazy<string> Folder = new(Locate);

    public static string SipResponses => Folder.Value;

    /// <summary>
    /// A file's text exactly as captured. Read as bytes so that no newline translation can turn the
    /// CRLF endings into LF: the CRLF path of the parser is what these files exist to exercise.
    /// </summary>
    public static string SipResponse(string file) =>
        Encoding.UTF8.GetString(File.ReadAllBytes(Path.Combine(SipResponses, file)));

    public static IEnumerable<string> SipResponseFiles() =>
        Directory.GetFiles(SipResponses, "*.sip").Select(path => Path.GetFileName(path)).Order();

    /// <summary>The <c>input</c> of one entry of field-cases.json, by its id (PHONE-01, SIP-03, ...).</summary>
    public static JsonElement FieldCaseInput(string id)
    {
        using var cases = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(SipResponses, "..", "field-cases.json")));
        return cases.RootElement.EnumerateArray()
            .Single(entry => entry.GetProperty("id").GetString() == id)
            .GetProperty("input").Clone();
    }

    /// <summary>Every entry of field-cases.json, read at test time so that a new case needs no code change.</summary>
    public static JsonArray FieldCases() =>
        JsonNode.Parse(File.ReadAllBytes(Path.Combine(SipResponses, "..", "field-cases.json")))!.AsArray();

    /// <summary>The rows of INDEX.tsv, read at test time so that a new capture needs no code change.</summary>
    public static IReadOnlyList<IndexRow> Index()
    {
        var path = Path.Combine(SipResponses, "INDEX.tsv");
        var lines = SipResponse("INDEX.tsv").Split('\n').Select(line => line.TrimEnd('\r')).ToList();
        if (lines.Count == 0 || lines[0] != IndexHeader)
        {
            throw new InvalidDataException($"{path} does not start with the header '{IndexHeader}'.");
        }

        var rows = new List<IndexRow>();
        for (var number = 2; number <= lines.Count; number++)
        {
            var line = lines[number - 1];
            if (line.Length == 0)
            {
                continue;
            }

            var columns = line.Split('\t');
            if (columns.Length != 5 || !int.TryParse(columns[1], out var code))
            {
                throw new InvalidDataException($"{path} line {number} is not 'file, code, class, protocol, cause'.");
            }

            rows.Add(new IndexRow(columns[0], code, columns[2], columns[3], columns[4]));
        }

        return rows;
    }

    private static string Locate()
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } configured)
        {
            var configuredFolder = Path.Combine(configured, "sip-responses");
            return Directory.Exists(configuredFolder)
                ? configuredFolder
                : throw new DirectoryNotFoundException(
                    $"{EnvironmentVariable} is '{configured}', which has no sip-responses folder; "
                    + "point it at the shared/data folder.");
        }

        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, "shared", "data", "sip-responses");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException(
            $"No shared/data/sip-responses folder was found above {AppContext.BaseDirectory}; "
            + $"set {EnvironmentVariable} to the path of the shared/data folder.");
    }
}
